import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSseFrames, startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { createStore } from '@qcc/store'
import type { RunningQcc } from '../src/index'
import { createTestDatabase, type TestDatabase } from './mysql-db'
import { eventually } from './pool'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

const SECRET = 'cd'.repeat(32)
const KEY = 'durability-tenant-key'
const STREAM = { ...MESSAGE_BODY, stream: true }
let db: TestDatabase
let upstream: FakeUpstream

beforeAll(async () => {
  db = await createTestDatabase('durability')
  upstream = await startFakeUpstream()
  // The schema, a tenant, its key and its node, written through the store as the admin API would.
  const store = await createStore({
    kind: 'mysql',
    url: db.url,
    secretKey: Buffer.from(SECRET, 'hex'),
  })
  const account = await store.createAccount({ name: 'tenant', password: 'tenant-password-1' })
  await store.createProxyKey({ accountId: account.id, key: KEY })
  await store.createNode({
    accountId: account.id,
    name: 'n1',
    baseUrl: upstream.url,
    apiKey: 'sk-durable',
    allowPrivate: true,
  })
  await store.close()
})
afterAll(async () => {
  await upstream?.close()
  await db?.drop()
})

const env = (extra: Record<string, string> = {}) => ({
  PROXY_MYSQL_DSN: db.url,
  QCC_SECRET_KEY: SECRET,
  PROXY_HEALTH_INTERVAL_SEC: '3600',
  ...extra,
})

const post = (url: string, body: unknown) =>
  fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: JSON.stringify(body),
  })

async function usageRows(): Promise<
  Array<{ request_id: string; partial: number; status: number }>
> {
  return db.query('SELECT request_id, partial, status FROM qcc_usage_events')
}

describe('reliability: durability (reliability.md 5.3)', () => {
  it('D1: SIGTERM drains: live streams finish, then every usage row is written exactly once', async () => {
    const before = (await usageRows()).length
    const qcc = await startTestQcc(env({ PROXY_DRAIN_TIMEOUT_SEC: '20' }))
    upstream.setDefault({ kind: 'ok', events: 20, eventDelayMs: 40 })
    const streams = Array.from({ length: 20 }, () => post(qcc.url, STREAM).then((r) => r.text()))
    await eventually(() => upstream.requests.length >= 20, 5000)
    const closing = qcc.close()
    const texts = await Promise.all(streams)
    await closing
    for (const text of texts) expect(parseSseFrames(text).at(-1)?.event).toBe('message_stop')
    const rows = await usageRows()
    expect(rows.length - before).toBe(20)
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(rows.length)
    upstream.reset()
  })

  it('D2: at the drain deadline the remaining streams end with one error frame; partial usage kept', async () => {
    const before = new Set((await usageRows()).map((r) => r.request_id))
    const qcc = await startTestQcc(env({ PROXY_DRAIN_TIMEOUT_SEC: '1' }))
    upstream.setDefault({ kind: 'ok', events: 100, eventDelayMs: 100 })
    const streams = Array.from({ length: 5 }, () => post(qcc.url, STREAM).then((r) => r.text()))
    await eventually(() => upstream.requests.length >= 5, 5000)
    const started = Date.now()
    await qcc.close()
    const texts = await Promise.all(streams)
    expect(Date.now() - started).toBeLessThan(6000)
    for (const text of texts) {
      const frames = parseSseFrames(text)
      expect(frames.filter((f) => f.event === 'error')).toHaveLength(1)
      expect(frames.at(-1)?.event).toBe('error')
    }
    const rows = (await usageRows()).filter((r) => !before.has(r.request_id))
    expect(rows).toHaveLength(5)
    expect(rows.every((r) => Number(r.partial) === 1)).toBe(true)
    upstream.reset()
  })

  it('D3: after SIGKILL and a restart, config is intact and no usage row is duplicated', async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
    const start = () => {
      const child = spawn(process.execPath, [cli, 'proxy'], {
        env: { PATH: process.env.PATH ?? '', LISTEN_ADDR: '127.0.0.1:0', ...env() },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      const url = eventually((): string | undefined => {
        const line = out.split('\n').find((l) => l.includes('qcc is listening'))
        return line ? (JSON.parse(line) as { url: string }).url : undefined
      }, 15_000).then((u) => u as string)
      return { child, url }
    }
    const before = (await usageRows()).length
    const first = start()
    const url1 = await first.url
    let completed = 0
    for (let i = 0; i < 30; i++) {
      const res = await post(url1, MESSAGE_BODY)
      if (res.status === 200) completed++
      await res.text()
    }
    // Once the writer has flushed what it has (it batches on a short interval), kill hard.
    await eventually(async () => (await usageRows()).length - before >= completed, 10_000)
    first.child.kill('SIGKILL')
    await new Promise((r) => first.child.on('exit', r))
    const second = start()
    try {
      const url2 = await second.url
      const res = await post(url2, MESSAGE_BODY)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-qcc-node')).toBe('n1')
      await res.text()
    } finally {
      second.child.kill('SIGTERM')
      await new Promise((r) => second.child.on('exit', r))
    }
    const rows = await usageRows()
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(rows.length)
    expect(completed).toBe(30)
  })

  it('D4: with the database unreachable, traffic flows from cached config and usage is kept', async () => {
    const target = new URL(db.url)
    let down = false
    const sockets = new Set<Socket>()
    const relay = createServer((client) => {
      if (down) return client.destroy()
      const server = connect(Number(target.port || 3306), target.hostname)
      sockets.add(client).add(server)
      client.pipe(server).pipe(client)
      const drop = () => {
        client.destroy()
        server.destroy()
      }
      client.on('error', drop).on('close', drop)
      server.on('error', drop).on('close', drop)
    })
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r))
    const port = (relay.address() as AddressInfo).port
    const viaRelay = `mysql://root@127.0.0.1:${port}${target.pathname}`
    const qcc: RunningQcc = await startTestQcc(env({ PROXY_MYSQL_DSN: viaRelay }))
    try {
      // One request first: the node's key is decrypted on first use and then cached.
      await (await post(qcc.url, MESSAGE_BODY)).text()
      await qcc.store.usageWriter.flush()
      const before = (await usageRows()).length
      down = true
      for (const s of sockets) s.destroy()
      let ok = 0
      for (let i = 0; i < 20; i++) {
        const res = await post(qcc.url, MESSAGE_BODY)
        if (res.status === 200) ok++
        await res.text()
      }
      expect(ok).toBe(20)
      down = false
      await eventually(async () => (await usageRows()).length - before === 20, 20_000)
    } finally {
      down = false
      await qcc.close()
      await new Promise((r) => relay.close(r))
    }
  })

  it('D5: a usage event delivered twice (a retried batch) is counted once', async () => {
    const qcc = await startTestQcc(env())
    try {
      const res = await post(qcc.url, MESSAGE_BODY)
      await res.text()
      await qcc.store.usageWriter.flush()
      const [event] = await qcc.store.usageLogs({ limit: 1 })
      if (!event) throw new Error('no usage event')
      const total = await qcc.store.usageSummary({})
      qcc.store.usageWriter.enqueue(event)
      await qcc.store.usageWriter.flush()
      const again = await qcc.store.usageSummary({})
      expect(again.total.requests).toBe(total.total.requests)
      expect(again.total.inputTokens).toBe(total.total.inputTokens)
    } finally {
      await qcc.close()
    }
  })
})
