import { createStore, type Store } from '@qcc/store'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../src/observability/logger'
import type { RedisLink } from '../src/redis/connection'
import { leaseTunnel, TunnelLeaseError, type LeasedTunnel } from '../src/tunnel/tunnel-lease'
import { createTunnelSupervisor, type TunnelSupervisor } from '../src/tunnel/supervisor'
import { dropKeys, testPrefix, upLink } from './redis-fakes'
import { startRedisRelay, type RedisRelay } from './redis-relay'
import {
  createFakeCloudflared,
  pidAlive,
  startFakeCloudflare,
  waitFor,
  type FakeCloudflare,
  type FakeCloudflared,
} from './tunnel-fakes'

// Short timings; production uses 15 s, 5 s and 3 s.
const TTL_MS = 600
const RENEW_MS = 150
const TRY_MS = 150
const prefix = testPrefix()
const leaseKey = `${prefix}tunnel`

let cf: FakeCloudflare
let relay: RedisRelay
let admin: RedisLink
let bin: FakeCloudflared
// The database every replica shares.
let store: Store
let opened: Array<{ close(): Promise<void> }>

interface Replica {
  name: string
  link: RedisLink
  inner: TunnelSupervisor
  tunnel: LeasedTunnel
}

async function replica(
  name: string,
  url?: string,
  timing = { ttlMs: TTL_MS, renewMs: RENEW_MS },
): Promise<Replica> {
  const link = await upLink(prefix, url, { maxRetryDelayMs: 100 })
  const inner = createTunnelSupervisor({
    store,
    logger: createLogger('silent'),
    origin: 'http://127.0.0.1:18000',
    backoff: { initialMs: 50, maxMs: 200 },
    env: { enabled: false, cloudflaredPath: bin.path, apiBaseUrl: cf.url },
  })
  const tunnel = leaseTunnel({
    supervisor: inner,
    link,
    holder: name,
    logger: createLogger('silent'),
    ...timing,
    tryMs: TRY_MS,
  })
  opened.push(tunnel, link)
  return { name, link, inner, tunnel }
}

/** Two replicas on one prefix and one database, the tunnel configured and enabled, both booted. */
async function pair(
  url?: string,
  timing?: Parameters<typeof replica>[2],
): Promise<[Replica, Replica]> {
  const a = await replica('replica-a', url, timing)
  const b = await replica('replica-b', url, timing)
  await a.tunnel.configure({ apiToken: cf.token, subdomain: 'lease', zone: 'example.com' })
  await store.setTunnelConfig({ enabled: true })
  await Promise.all([a.tunnel.autoStart('http://127.0.0.1:18000'), b.tunnel.autoStart('x')])
  return [a, b]
}

const running = (replicas: Replica[]) => replicas.filter((r) => r.tunnel.isRunning())
const livePids = () => bin.starts().filter((s) => pidAlive(s.pid))
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until exactly one replica runs cloudflared, and returns it and the other. */
async function holderOf(replicas: [Replica, Replica]): Promise<[Replica, Replica]> {
  await waitFor(() => running(replicas).length === 1 && livePids().length === 1)
  const [a, b] = replicas
  return a.tunnel.isRunning() ? [a, b] : [b, a]
}

beforeAll(async () => {
  cf = await startFakeCloudflare()
  relay = await startRedisRelay()
  admin = await upLink(prefix)
})
afterAll(async () => {
  await dropKeys(admin, prefix)
  await admin.close()
  await relay.close()
  await cf.close()
})
beforeEach(async () => {
  bin = createFakeCloudflared()
  store = await createStore({ kind: 'memory', secretKey: Buffer.alloc(32, 7) })
  opened = []
})
afterEach(async () => {
  for (const one of opened.reverse()) await one.close()
  await waitFor(() => livePids().length === 0)
  await relay.restore()
  await dropKeys(admin, prefix)
  await store.close()
  bin.cleanup()
})

describe('tunnel lease', () => {
  it('runs cloudflared on exactly one replica, and another takes over when it dies', async () => {
    const [holder, other] = await holderOf(await pair())
    expect(await admin.client.get(leaseKey)).toBe(holder.name)
    // Several lease periods later it is still the one.
    await pause(3 * TTL_MS)
    expect(running([holder, other])).toEqual([holder])
    expect(bin.starts()).toHaveLength(1)
    // Every replica answers with the running tunnel's state.
    const seen = await other.tunnel.state()
    expect(seen).toMatchObject({ status: 'running', publicUrl: 'https://lease.example.com' })
    expect(seen.pid).toBe(bin.starts()[0]?.pid)

    // The holder dies: no more renewals (its link is gone), and its child with it.
    const died = Date.now()
    await holder.link.close()
    await holder.inner.close()
    await waitFor(() => other.tunnel.isRunning(), 10_000)
    // Within the lease TTL plus a try (and a setup against the fake API), far below 30 s.
    expect(Date.now() - died).toBeLessThan(TTL_MS + TRY_MS + 2000)
    expect(await admin.client.get(leaseKey)).toBe(other.name)
    await waitFor(() => livePids().length === 1)
    expect(bin.starts()).toHaveLength(2)
  })

  it('a holder that finds its lease taken ends its child but leaves the Cloudflare setup', async () => {
    const [holder, other] = await holderOf(await pair())
    const pid = bin.starts()[0]?.pid ?? 0
    const tunnelId = (await holder.tunnel.state()).tunnelId ?? ''
    await admin.client.set(leaseKey, 'replica-elsewhere', 'PX', 60_000)
    await waitFor(() => !holder.tunnel.isRunning())
    await waitFor(() => !pidAlive(pid))
    expect(holder.tunnel.holdsLease()).toBe(false)
    expect((await holder.inner.state()).status).toBe('stopped')
    expect(cf.tunnels.get(tunnelId)?.deleted).toBe(false)
    expect((await store.getTunnelConfig())?.enabled).toBe(true)
    await pause(3 * TRY_MS)
    expect(running([holder, other])).toEqual([])
    // The other holder goes away without a word: one of ours takes it back after the TTL.
    await admin.client.pexpire(leaseKey, 50)
    await holderOf([holder, other])
  })

  it('over a Redis outage the holder keeps running, nobody else starts, and it re-acquires', async () => {
    // The others wait a renew period after Redis is back; a longer one than elsewhere here, so
    // a loaded machine's slow reconnect of the holder cannot make the test fail.
    const timing = { ttlMs: 1500, renewMs: 500 }
    const [holder, other] = await holderOf(await pair(relay.url(), timing))
    const pid = bin.starts()[0]?.pid
    await relay.cut()
    await waitFor(() => !holder.link.up && !other.link.up)
    await pause(2 * timing.ttlMs)
    expect(running([holder, other])).toEqual([holder])
    // Redis restarted: it comes back empty.
    await dropKeys(admin, prefix)
    await relay.restore()
    await waitFor(async () => (await admin.client.get(leaseKey)) === holder.name)
    await pause(2 * timing.ttlMs)
    expect(running([holder, other])).toEqual([holder])
    expect(bin.starts().map((s) => s.pid)).toEqual([pid])
    expect(await admin.client.get(leaseKey)).toBe(holder.name)
  })

  it("an operator's start and stop on a replica that does not hold the lease", async () => {
    const [holder, other] = await holderOf(await pair())
    // The holder publishes its state at each renew, so the others see `running` soon after.
    await waitFor(async () => (await other.tunnel.state()).status === 'running')
    // Start: another replica runs it, so this one answers its state and starts nothing.
    const started = await other.tunnel.start()
    expect(started).toMatchObject({ status: 'running', publicUrl: 'https://lease.example.com' })
    expect(bin.starts()).toHaveLength(1)
    expect(other.tunnel.holdsLease()).toBe(false)

    // Stop: saved as disabled; the holder stops (removing the setup) at its next renew.
    const tunnelId = (await holder.tunnel.state()).tunnelId ?? ''
    const stopped = await other.tunnel.stop()
    expect(stopped).toMatchObject({ status: 'stopped', enabled: false })
    await waitFor(() => !holder.tunnel.isRunning())
    await waitFor(() => cf.tunnels.get(tunnelId)?.deleted === true)
    await waitFor(async () => (await admin.client.exists(leaseKey)) === 0)
    await pause(3 * TRY_MS)
    expect(running([holder, other])).toEqual([])

    // Start again on that replica: the lease is free, so it runs the tunnel here.
    const again = await other.tunnel.start()
    expect(again.lastError).toBeNull()
    expect(other.tunnel.isRunning()).toBe(true)
    expect(await admin.client.get(leaseKey)).toBe(other.name)
    await pause(3 * RENEW_MS)
    expect(running([holder, other])).toEqual([other])
  })

  it('an operator start takes over from a holder whose tunnel is not running', async () => {
    const a = await replica('replica-a')
    const b = await replica('replica-b')
    await a.tunnel.configure({ apiToken: 'wrong-token', subdomain: 'bad', zone: 'example.com' })
    // Enabled from the env at boot: a failed setup keeps the lease (no retry storm across replicas).
    await store.setTunnelConfig({ enabled: true })
    const failed = await a.tunnel.start()
    expect(failed.status).toBe('error')
    expect(await admin.client.get(leaseKey)).toBe('replica-a')
    await a.tunnel.configure({ apiToken: cf.token })
    const fixed = await b.tunnel.start()
    expect(fixed.lastError).toBeNull()
    expect(['starting', 'running']).toContain(fixed.status)
    expect(await admin.client.get(leaseKey)).toBe('replica-b')
    await waitFor(() => running([a, b]).length === 1 && b.tunnel.isRunning())
  })

  it('does not start without Redis unless it holds the lease, and says why', async () => {
    const a = await replica('replica-a', relay.url())
    await a.tunnel.configure({ apiToken: cf.token, subdomain: 'nolease', zone: 'example.com' })
    await relay.cut()
    await waitFor(() => !a.link.up)
    const state = await a.tunnel.start()
    expect(state.status).toBe('stopped')
    expect(state.lastError).toContain('Redis is unreachable')
    expect(bin.starts()).toHaveLength(0)
  })

  it('lets the lease go on close, so another replica takes over at its next try', async () => {
    const [holder, other] = await holderOf(await pair())
    await holder.tunnel.close()
    expect(await admin.client.get(leaseKey)).not.toBe(holder.name)
    await waitFor(() => other.tunnel.isRunning(), 3 * TRY_MS + 2000)
  })

  it('refuses a renew period that is not below the TTL', () => {
    expect(() =>
      leaseTunnel({
        supervisor: {} as TunnelSupervisor,
        link: admin,
        holder: 'x',
        logger: createLogger('silent'),
        ttlMs: 1000,
        renewMs: 1000,
      }),
    ).toThrow(TunnelLeaseError)
  })
})
