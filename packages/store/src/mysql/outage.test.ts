import { afterAll, describe, expect, it } from 'vitest'
import { usageEvent } from '../contract/harness'
import { newId } from '../crypto/tokens'
import { createMysqlHarness, requireServer } from './harness'
import { mysqlTestHooks } from './store'

const SERVER = process.env.QCC_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
const reachable = await requireServer(SERVER, process.env.CI)
const env = reachable === true ? await createMysqlHarness(SERVER) : null
afterAll(() => env?.dispose())

describe.skipIf(!env)(`mysql outage (${env ? SERVER : `skipped: ${reachable}`})`, () => {
  it('keeps requests off a database stopped for 10 s, with exact totals after', async () => {
    if (!env) return
    const store = await env.harness.open({ usage: { retryMaxMs: 1000, flushIntervalMs: 200 } })
    try {
      const acc = await store.createAccount({ name: 'o', password: 'pw' })
      const { key, secret } = await store.createProxyKey({ accountId: acc.id })
      let sent = 0
      let slowest = 0
      const burst = () => {
        const t0 = performance.now()
        for (let i = 0; i < 50; i++) {
          if (store.resolveProxyKey(secret)?.keyId !== key.id) throw new Error('key lost')
          store.usageWriter.enqueue(usageEvent({ accountId: acc.id, keyId: key.id }))
          sent++
        }
        slowest = Math.max(slowest, performance.now() - t0)
      }
      burst()
      env.proxy.setDown(true)
      const downUntil = Date.now() + 10_000
      while (Date.now() < downUntil) {
        burst()
        await new Promise((r) => setTimeout(r, 100))
      }
      expect(store.usageWriter.stats().failedFlushes).toBeGreaterThan(0)
      expect(store.usageWriter.stats().pending).toBeGreaterThan(0)
      env.proxy.setDown(false)
      burst()
      await store.usageWriter.flush()
      expect(slowest).toBeLessThan(50)
      expect(store.usageWriter.stats()).toMatchObject({ pending: 0, dropped: 0 })
      const { total } = await store.usageSummary({ accountId: acc.id })
      expect(total.requests).toBe(sent)
    } finally {
      await store.close()
    }
  }, 60_000)
})

describe.skipIf(!env)('mysql usage sink', () => {
  it('counts a batch retried after an ambiguous commit once', async () => {
    if (!env) return
    const store = await env.harness.open()
    try {
      const sink = mysqlTestHooks(store)?.sink
      const acc = await store.createAccount({ name: 's', password: 'pw' })
      const events = [usageEvent({ accountId: acc.id }), usageEvent({ accountId: acc.id })]
      const batch = { id: newId(), events, overflow: [] }
      await sink?.writeBatch(batch)
      await sink?.writeBatch(batch)
      await sink?.writeBatch({ ...batch, id: newId() })
      expect((await store.usageSummary({ accountId: acc.id })).total.requests).toBe(2)
      const keyed = await store.usageLogs({ limit: 10 })
      expect(keyed.map((e) => e.requestId).sort()).toEqual(events.map((e) => e.requestId).sort())
    } finally {
      await store.close()
    }
  })
})
