import { Writable } from 'node:stream'
import { createStore, type Store } from '@qcc/store'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EventBus, type ConsoleEvent } from '../src/events/bus'
import { createLogger } from '../src/observability/logger'
import { createTunnelSupervisor, type TunnelSupervisor } from '../src/tunnel/supervisor'
import {
  createFakeCloudflared,
  startFakeCloudflare,
  waitFor,
  type FakeCloudflare,
  type FakeCloudflared,
} from './tunnel-fakes'

let cf: FakeCloudflare
let bin: FakeCloudflared
let store: Store
let logs: string
let events: ConsoleEvent[]
let tunnel: TunnelSupervisor

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function supervisor(cloudflaredPath = bin.path): TunnelSupervisor {
  const bus = new EventBus()
  bus.subscribe((e) => events.push(e))
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs += chunk.toString()
      done()
    },
  })
  return createTunnelSupervisor({
    store,
    bus,
    logger: createLogger('debug', sink),
    origin: 'http://127.0.0.1:18000',
    backoff: { initialMs: 50, maxMs: 200 },
    env: { enabled: false, cloudflaredPath, apiBaseUrl: cf.url },
  })
}

beforeAll(async () => {
  cf = await startFakeCloudflare()
})
afterAll(async () => {
  await cf?.close()
})
beforeEach(async () => {
  bin = createFakeCloudflared()
  store = await createStore({ kind: 'memory', secretKey: Buffer.alloc(32, 7) })
  logs = ''
  events = []
  tunnel = supervisor()
})
afterEach(async () => {
  await tunnel.close()
  await store.close()
  bin.cleanup()
})

describe('tunnel supervisor', () => {
  it('creates the tunnel, routes the hostname, writes the DNS record and runs cloudflared', async () => {
    await tunnel.configure({ apiToken: cf.token, subdomain: 'qcc', zone: 'example.com' })
    const state = await tunnel.start()
    expect(state.lastError).toBeNull()
    expect(state.publicUrl).toBe('https://qcc.example.com')
    await waitFor(async () => (await tunnel.state()).status === 'running')

    const created = [...cf.tunnels.values()].find((t) => !t.deleted)
    expect(created?.name).toBe('qcc-qcc')
    expect(created?.ingress).toEqual([
      { hostname: 'qcc.example.com', service: 'http://127.0.0.1:18000' },
      { service: 'http_status:404' },
    ])
    const record = [...cf.dns.values()][0]
    expect(record).toMatchObject({ type: 'CNAME', name: 'qcc.example.com' })
    expect(record?.content).toBe(`${created?.id}.cfargotunnel.com`)

    await waitFor(() => bin.starts().length === 1)
    const starts = bin.starts()
    expect(starts[0]?.args).toEqual(['tunnel', '--no-autoupdate', 'run'])
    expect(starts[0]?.token).toBe(`connector-token-${created?.id}`)
    expect(starts[0]?.envKeys).not.toContain('CF_API_TOKEN')
    expect((await store.getTunnelConfig())?.enabled).toBe(true)
    expect(events.some((e) => e.type === 'tunnel.state' && e.data.status === 'running')).toBe(true)
    // Neither the API token nor the connector token reaches a log line.
    expect(logs).toContain('cloudflared started')
    expect(logs).not.toContain(cf.token)
    expect(logs).not.toContain('connector-token-')
  })

  it('restarts cloudflared with backoff when it crashes, keeping the last error', async () => {
    await tunnel.configure({ apiToken: cf.token, subdomain: 'crash', zone: 'example.com' })
    await tunnel.start()
    await waitFor(() => bin.starts().length === 1)
    const first = bin.starts()[0]?.pid ?? 0
    bin.crash()
    await waitFor(async () => (await tunnel.state()).status === 'restarting')
    const restarting = await tunnel.state()
    expect(restarting.lastError).toContain('exited with code 1')
    expect(restarting.lastError).toContain('simulated connector failure')
    await waitFor(() => bin.starts().length === 2)
    await waitFor(async () => (await tunnel.state()).status === 'running')
    const after = await tunnel.state()
    expect(after.restarts).toBe(1)
    expect(after.pid).not.toBe(first)
    expect(alive(first)).toBe(false)
  })

  it('stop ends cloudflared and deletes the DNS record and the tunnel', async () => {
    await tunnel.configure({ apiToken: cf.token, subdomain: 'gone', zone: 'example.com' })
    await tunnel.start()
    const pid = (await waitFor(() => bin.starts()[0]))?.pid ?? 0
    await waitFor(async () => (await tunnel.state()).status === 'running')
    const id = (await tunnel.state()).tunnelId
    const state = await tunnel.stop()
    expect(state.status).toBe('stopped')
    expect(state.publicUrl).toBeNull()
    expect(state.enabled).toBe(false)
    expect(cf.tunnels.get(id ?? '')?.deleted).toBe(true)
    expect([...cf.dns.values()].filter((r) => r.name === 'gone.example.com')).toHaveLength(0)
    await waitFor(() => !alive(pid))
    expect(bin.starts()).toHaveLength(1)
  })

  it('reports a bad token as an error without creating anything', async () => {
    const before = cf.tunnels.size
    await tunnel.configure({ apiToken: 'wrong-token', subdomain: 'bad', zone: 'example.com' })
    const state = await tunnel.start()
    expect(state.status).toBe('error')
    expect(state.lastError).toContain('Authentication error')
    expect(state.lastError).not.toContain('wrong-token')
    expect(cf.tunnels.size).toBe(before)
    expect(bin.starts()).toHaveLength(0)
    expect(logs).not.toContain('wrong-token')
  })

  it('reuses an existing tunnel of the same name and repoints an existing record', async () => {
    cf.tunnels.set('tun-old', { id: 'tun-old', name: 'qcc-reuse', deleted: false })
    cf.dns.set('dns-old', {
      id: 'dns-old',
      type: 'A',
      name: 'reuse.example.com',
      content: '1.2.3.4',
    })
    await tunnel.configure({ apiToken: cf.token, subdomain: 'reuse', zone: 'example.com' })
    const state = await tunnel.start()
    expect(state.tunnelId).toBe('tun-old')
    expect(cf.dns.get('dns-old')).toMatchObject({
      type: 'CNAME',
      content: 'tun-old.cfargotunnel.com',
    })
    await tunnel.stop()
  })

  it('says so when cloudflared is missing, and keeps retrying', async () => {
    await tunnel.close()
    tunnel = supervisor('/nonexistent/cloudflared')
    await tunnel.configure({ apiToken: cf.token, subdomain: 'nobin', zone: 'example.com' })
    await tunnel.start()
    await waitFor(async () => (await tunnel.state()).lastError?.includes('ENOENT'))
    expect((await tunnel.state()).status).toBe('restarting')
    await tunnel.stop()
  })

  it('needs a token and a subdomain', async () => {
    const state = await tunnel.start()
    expect(state.status).toBe('error')
    expect(state.lastError).toContain('not configured')
  })
})
