import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { createTenant, loggedIn, messages } from './admin-harness'
import { createTestDatabase, type TestDatabase } from './mysql-db'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'
import { pollUntil } from './wait'

// POST /admin/api/nodes/unstick (docs/contract.md §13) on two replicas of one MySQL database: the
// replica asked drops its bindings at once, the other when its next reload sees `unstuck_at` move.
const ADMIN_PASSWORD = 'unstick-admin-password-1'
let db: TestDatabase
let cheap: FakeUpstream
let fallback: FakeUpstream
let a: RunningQcc
let b: RunningQcc

beforeAll(async () => {
  db = await createTestDatabase('unstick')
  // The cheap node refuses its key until the test lets it recover (probes too).
  cheap = await startFakeUpstream({
    name: 'cheap',
    defaultBehaviour: { kind: 'status', status: 401 },
  })
  fallback = await startFakeUpstream({ name: 'fallback' })
  const env = {
    PROXY_MYSQL_DSN: db.url,
    ADMIN_PASSWORD,
    QCC_SECRET_KEY: 'cd'.repeat(32),
    PROXY_HEALTH_INTERVAL_SEC: '1',
  }
  a = await startTestQcc(env)
  b = await startTestQcc(env)
}, 30_000)
afterAll(async () => {
  await a?.close()
  await b?.close()
  await cheap?.close()
  await fallback?.close()
  await db?.drop()
})

async function servedBy(qcc: RunningQcc, key: string, session: string): Promise<string | null> {
  const res = await messages(qcc.url, key, MESSAGE_BODY, { 'x-claude-code-session-id': session })
  const text = await res.text()
  expect(res.status, text).toBe(200)
  return res.headers.get('x-qcc-node')
}

describe('unstick across replicas (docs/contract.md §13)', () => {
  it('drops the bindings to a node on the replica asked at once and on the other soon', async () => {
    const admin = await loggedIn(a, 'admin', ADMIN_PASSWORD)
    const tenant = await createTenant(admin, 'unstick-team')
    const node = async (name: string, url: string, weight: number) => {
      const res = await admin.post(`/admin/api/nodes?account_id=${tenant.id}`, {
        name,
        base_url: url,
        api_key: `sk-ant-${name}-key`,
        weight,
      })
      expect(res.status, res.text).toBe(201)
      return res.json.id as string
    }
    const cheapId = await node('cheap', cheap.url, 1)
    const fallbackId = await node('fallback', fallback.url, 2)
    await a.refresh()
    await b.refresh()
    const session = randomUUID()
    // The cheap node fails at once (401): on both replicas the session is bound to the fallback.
    expect(await servedBy(a, tenant.key, session)).toBe('fallback')
    await pollUntil('b sees the cheap node failed', async () => {
      await b.refresh()
      return b.health.get(cheapId)?.health.status === 'failed'
    })
    // Replica b learns of the new tenant's key by its own reload (no session here: nothing bound).
    await pollUntil('b knows the tenant key', async () => {
      const res = await messages(b.url, tenant.key, MESSAGE_BODY)
      await res.text()
      return res.status === 200
    })
    expect(await servedBy(b, tenant.key, session)).toBe('fallback')
    // It recovers; cache_first (the default) keeps the session where its prompt cache is.
    cheap.setDefault({ kind: 'ok' })
    for (const r of [a, b]) {
      await pollUntil(
        'the cheap node back',
        () => r.health.get(cheapId)?.health.status === 'healthy',
        { timeoutMs: 10_000 },
      )
    }
    expect(await servedBy(a, tenant.key, session)).toBe('fallback')
    expect(await servedBy(b, tenant.key, session)).toBe('fallback')

    const res = await admin.post('/admin/api/nodes/unstick', { id: fallbackId })
    expect(res.status, res.text).toBe(200)
    expect(res.json).toEqual({ unstuck: fallbackId, dropped: 1 })
    // Replica a: at once. Replica b: once its reload sees unstuck_at (its poll runs every 2 s).
    expect(await servedBy(a, tenant.key, session)).toBe('cheap')
    await pollUntil(
      'b serves the session from the cheap node',
      async () => {
        return (await servedBy(b, tenant.key, session)) === 'cheap'
      },
      { timeoutMs: 8000, intervalMs: 250 },
    )
    expect(await servedBy(b, tenant.key, session)).toBe('cheap')
  }, 40_000)
})
