import { describe, expect, it } from 'vitest'
import { usageEvent } from './support/harness'
import { mysqlHarnessForFile } from './support/mysql-harness'

const { env, label } = await mysqlHarnessForFile()

describe.skipIf(!env)(`mysql outage (${label})`, () => {
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
