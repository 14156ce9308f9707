// Limits across replicas (docs/contract.md §10 "Exactness"): two real servers on one MariaDB
// database, with Redis (rpm and concurrency exact across both) and without it (another
// replica's spend reaches the cost windows through the store within seconds).
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { Limits } from '@qcc/core'
import type { RunningQcc } from '../src/index'
import { createTestDatabase, type TestDatabase } from './mysql-db'
import { dropKeys, REDIS_URL, testPrefix, upLink } from './redis-fakes'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'
import { eventually, pollUntil } from './wait'

let upstream: FakeUpstream
let db: TestDatabase
let replicas: RunningQcc[] = []
let accountId: string

beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterEach(async () => {
  await Promise.all(replicas.map((r) => r.close()))
  replicas = []
  await db?.drop()
})
afterAll(async () => {
  await upstream?.close()
})

async function twoReplicas(env: Record<string, string> = {}) {
  db = await createTestDatabase('limits')
  const common = {
    UPSTREAM_BASE_URL: upstream.url,
    PROXY_MYSQL_DSN: db.url,
    QCC_SECRET_KEY: 'ab'.repeat(32),
    ...env,
  }
  // One after the other: the first creates the schema; the tenant and its node go in before the
  // second starts, so both load them.
  const a = await startTestQcc(common)
  replicas.push(a)
  const account = await a.store.createAccount({ name: 'tenant', password: 'tenant-password-1' })
  accountId = account.id
  await a.store.createNode({
    accountId,
    name: 'n1',
    baseUrl: upstream.url,
    apiKey: 'sk-ant-replicas',
    allowPrivate: true,
  })
  await a.refresh()
  const b = await startTestQcc(common)
  replicas.push(b)
  return [a, b] as const
}

async function keyOn(a: RunningQcc, b: RunningQcc, limits: Limits) {
  const made = await a.store.createProxyKey({ accountId, limits })
  // The other replica's key index learns the key from the database.
  await pollUntil('the key on the second replica', async () => {
    await b.refresh()
    return (
      (await post(b, made.secret, { ...MESSAGE_BODY, max_tokens: 1 }, '/v1/messages/count_tokens'))
        .status === 200
    )
  })
  return { id: made.key.id, secret: made.secret }
}

function post(q: RunningQcc, secret: string, body: object = MESSAGE_BODY, path = '/v1/messages') {
  return fetch(`${q.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': secret },
    body: JSON.stringify(body),
  })
}

describe('limits across replicas', () => {
  it('with Redis: rpm and concurrency are exact across both replicas', async () => {
    const prefix = testPrefix()
    const link = await upLink(prefix)
    onTestFinished(async () => {
      await dropKeys(link, prefix)
      await link.close()
    })
    const [a, b] = await twoReplicas({ PROXY_REDIS_URL: REDIS_URL, PROXY_REDIS_PREFIX: prefix })
    const key = await keyOn(a, b, { rpm: 4 })
    const before = upstream.requests.length
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await post(i % 2 ? b : a, key.secret)).status)
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429])
    expect(upstream.requests.length - before).toBe(4)

    const slot = await keyOn(a, b, { concurrency: 1 })
    upstream.enqueue({ kind: 'ok', firstByteDelayMs: 400 })
    const held = upstream.requests.length
    const slow = post(a, slot.secret)
    await pollUntil('the slow request upstream', () => upstream.requests.length > held)
    const other = await post(b, slot.secret)
    expect(other.status).toBe(429)
    expect(((await other.json()) as { error: { message: string } }).error.message).toBe(
      'key concurrency limit 1 reached',
    )
    expect((await slow).status).toBe(200)
    await eventually(async () => expect((await post(b, slot.secret)).status).toBe(200))
  })

  it("without Redis: one replica's spend reaches the other's cost windows through the store", async () => {
    const [a, b] = await twoReplicas()
    const key = await keyOn(a, b, { cost_total_usd: 0.000001 })
    expect((await post(a, key.secret)).status).toBe(200)
    // b's own requests cost nothing from here on: only a's spend can close the window on b.
    upstream.setDefault({
      kind: 'ok',
      usage: {
        input_tokens: 0,
        output_tokens: 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      },
    })
    try {
      expect((await post(b, key.secret)).status).toBe(200)
      // a's writer commits within its flush interval; b seeds from the store every 5 s.
      await eventually(async () => expect((await post(b, key.secret)).status).toBe(429), {
        timeoutMs: 15_000,
        intervalMs: 500,
      })
    } finally {
      upstream.reset()
    }
  }, 30_000)
})
