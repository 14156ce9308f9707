import { expect, it } from 'vitest'
import type { Store } from '../../src/interface'
import type { UsageEvent } from '../../src/types/usage'
import { contractPart, usageEvent } from '../support/harness'

const T0 = Date.UTC(2026, 2, 10, 8, 0, 0)

async function write(s: Store, events: UsageEvent[]): Promise<void> {
  for (const e of events) s.usageWriter.enqueue(e)
  await s.usageWriter.flush()
}

/** How usage rows were priced and the ids seen without a table price (docs/contract.md §15). */
export const usagePricingContract = contractPart(
  'usage pricing (docs/contract.md §15)',
  (stores) => {
    it('keeps priced_by on each row and answers null for rows without one', async () => {
      const s = await stores.open()
      const a = await s.createAccount({ name: 'a', password: 'pw' })
      const rows = [
        usageEvent({ accountId: a.id, model: 'claude-opus-4-1', pricedBy: 'family' }),
        usageEvent({ accountId: a.id, model: 'relay-x', pricedBy: 'none', costUsd: 0 }),
        usageEvent({ accountId: a.id, model: 'claude-sonnet-5-5' }),
      ]
      await write(s, rows)
      expect((await s.usageLog(rows[0]!.requestId))?.pricedBy).toBe('family')
      expect((await s.usageLog(rows[1]!.requestId))?.pricedBy).toBe('none')
      expect((await s.usageLog(rows[2]!.requestId))?.pricedBy).toBeNull()
    })

    it('lists model ids priced other than by the table, most requests first', async () => {
      const s = await stores.open()
      const a = await s.createAccount({ name: 'a', password: 'pw' })
      const b = await s.createAccount({ name: 'b', password: 'pw' })
      const at = (min: number) => new Date(T0 + min * 60_000)
      await write(s, [
        usageEvent({ accountId: a.id, model: 'relay-x', pricedBy: 'none', at: at(1) }),
        usageEvent({ accountId: b.id, model: 'relay-x', pricedBy: 'none', at: at(5) }),
        usageEvent({ accountId: a.id, model: 'relay-x', pricedBy: 'default', at: at(3) }),
        usageEvent({ accountId: a.id, model: 'claude-opus-4-1', pricedBy: 'family', at: at(2) }),
        usageEvent({ accountId: a.id, model: 'claude-sonnet-5-5', pricedBy: 'table', at: at(9) }),
        // Rows written before priced_by existed are not counted.
        usageEvent({ accountId: a.id, model: 'old-row', at: at(9) }),
        // The longest id the data path takes is kept whole.
        usageEvent({ accountId: a.id, model: 'm'.repeat(256), pricedBy: 'none', at: at(4) }),
      ])
      const seen = await s.unpricedModels()
      expect(seen).toEqual([
        { model: 'relay-x', requests: 3, lastSeenAt: at(5) },
        { model: 'claude-opus-4-1', requests: 1, lastSeenAt: at(2) },
        { model: 'm'.repeat(256), requests: 1, lastSeenAt: at(4) },
      ])
      expect(await s.unpricedModels(1)).toEqual([seen[0]])
    })
  },
)
