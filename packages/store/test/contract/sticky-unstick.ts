import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import { contractPart, usageEvent } from '../support/harness'

const T0 = Date.UTC(2026, 0, 15, 10, 30, 0)

/**
 * What the store keeps for sticky sessions and model maps (docs/contract.md §13): the account's
 * sticky policy and TTFB break, a node's last unstick, and the upstream model of usage events.
 */
export const stickyUnstickContract = contractPart(
  'sticky policy, unstick, upstream model',
  (stores) => {
    it('persists sticky_policy and sticky_break_ttfb_ms, null unsets, 0 is kept', async () => {
      const s = await stores.open()
      const a = await s.createAccount({ name: 'a', password: 'pw' })
      expect(a.settings).toMatchObject({ stickyPolicy: null, stickyBreakTtfbMs: null })
      const set = await s.updateAccount(a.id, {
        settings: { stickyPolicy: 'cost_first', stickyBreakTtfbMs: 4500 },
      })
      expect(set?.settings).toMatchObject({ stickyPolicy: 'cost_first', stickyBreakTtfbMs: 4500 })
      const again = await stores.reopen(s)
      expect((await again.getAccount(a.id))?.settings).toEqual(set?.settings)
      // A patch of another setting keeps them.
      const kept = await s.updateAccount(a.id, { settings: { retryMax: 3 } })
      expect(kept?.settings).toMatchObject({ stickyPolicy: 'cost_first', stickyBreakTtfbMs: 4500 })
      const never = await s.updateAccount(a.id, { settings: { stickyBreakTtfbMs: 0 } })
      expect(never?.settings.stickyBreakTtfbMs).toBe(0)
      const unset = await s.updateAccount(a.id, {
        settings: { stickyPolicy: null, stickyBreakTtfbMs: null },
      })
      expect(unset?.settings).toMatchObject({
        stickyPolicy: null,
        stickyBreakTtfbMs: null,
        retryMax: 3,
      })
      expect((await s.getAccount(a.id))?.settings).toEqual(unset?.settings)
      const created = await s.createAccount({
        name: 'b',
        password: 'pw',
        settings: { stickyPolicy: 'cache_first', stickyBreakTtfbMs: 1 },
      })
      expect((await s.getAccount(created.id))?.settings).toMatchObject({
        stickyPolicy: 'cache_first',
        stickyBreakTtfbMs: 1,
      })
    })

    it('refuses a bad sticky_policy or sticky_break_ttfb_ms and changes nothing', async () => {
      const s = await stores.open()
      const a = await s.createAccount({
        name: 'a',
        password: 'pw',
        settings: { stickyPolicy: 'cost_first', stickyBreakTtfbMs: 2000 },
      })
      const bad: unknown[] = [
        { stickyPolicy: 'fastest' },
        { stickyPolicy: '' },
        { stickyPolicy: 1 },
        { stickyBreakTtfbMs: -1 },
        { stickyBreakTtfbMs: 1.5 },
        { stickyBreakTtfbMs: '5000' },
        { stickyBreakTtfbMs: Number.NaN },
        { stickyBreakTtfbMs: 600_001 },
      ]
      for (const settings of bad) {
        const err = await s
          .updateAccount(a.id, { settings } as Parameters<typeof s.updateAccount>[1])
          .catch((e) => e)
        expect(isStoreError(err, 'invalid'), JSON.stringify(settings)).toBe(true)
      }
      expect((await s.getAccount(a.id))?.settings).toMatchObject({
        stickyPolicy: 'cost_first',
        stickyBreakTtfbMs: 2000,
      })
    })

    it("keeps a node's unstuckAt, moves the change version, refuses a bad date", async () => {
      const s = await stores.open()
      const a = await s.createAccount({ name: 'a', password: 'pw' })
      const n = await s.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' })
      expect(n.unstuckAt).toBeNull()
      const before = await s.changeVersion()
      const at = new Date(T0 + 123)
      const u = await s.updateNode(n.id, { unstuckAt: at })
      expect(u?.unstuckAt?.getTime()).toBe(T0 + 123)
      expect(await s.changeVersion()).toBeGreaterThan(before)
      const again = await stores.reopen(s)
      expect((await again.getNode(n.id))?.unstuckAt?.getTime()).toBe(T0 + 123)
      // Other patches keep it.
      const renamed = await s.updateNode(n.id, { name: 'n2' })
      expect(renamed?.unstuckAt?.getTime()).toBe(T0 + 123)
      for (const unstuckAt of [new Date(Number.NaN), '2026-01-15', T0]) {
        const err = await s
          .updateNode(n.id, { unstuckAt } as unknown as Parameters<typeof s.updateNode>[1])
          .catch((e) => e)
        expect(isStoreError(err, 'invalid'), String(unstuckAt)).toBe(true)
      }
      expect((await s.getNode(n.id))?.unstuckAt?.getTime()).toBe(T0 + 123)
    })

    it('stores the upstream model of usage events; summaries group by the requested model', async () => {
      const s = await stores.open()
      const a = await s.createAccount({ name: 'a', password: 'pw' })
      const { key } = await s.createProxyKey({ accountId: a.id })
      const base = { accountId: a.id, keyId: key.id, model: 'claude-sonnet-4-5' }
      s.usageWriter.enqueue(usageEvent({ ...base, at: new Date(T0), upstreamModel: 'glm-4.6' }))
      s.usageWriter.enqueue(
        usageEvent({ ...base, at: new Date(T0 + 1), upstreamModel: 'x'.repeat(300) }),
      )
      s.usageWriter.enqueue(usageEvent({ ...base, at: new Date(T0 + 2), upstreamModel: null }))
      s.usageWriter.enqueue(usageEvent({ ...base, at: new Date(T0 + 3) }))
      await s.usageWriter.flush()
      const logs = await s.usageLogs({ accountId: a.id, limit: 10 })
      expect(logs.map((e) => e.upstreamModel)).toEqual([null, null, 'x'.repeat(256), 'glm-4.6'])
      expect(logs.every((e) => e.model === 'claude-sonnet-4-5')).toBe(true)
      const byModel = await s.usageSummary({ accountId: a.id, groupBy: 'model' })
      expect(byModel.groups.map((g) => [g.key, g.requests])).toEqual([['claude-sonnet-4-5', 4]])
    })
  },
)
