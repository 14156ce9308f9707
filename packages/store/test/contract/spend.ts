import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import type { Store } from '../../src/interface'
import type { UsageEvent } from '../../src/types/usage'
import { contractPart, usageEvent } from '../support/harness'

const T0 = Date.UTC(2026, 0, 15, 10, 30, 0)
const MIN = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000

async function write(s: Store, events: UsageEvent[]): Promise<void> {
  for (const e of events) s.usageWriter.enqueue(e)
  await s.usageWriter.flush()
}

/** What the limits read from usage (docs/contract.md §10): refusals, one key's usage, spend per key. */
export const spendContract = contractPart('usage for limits', (stores) => {
  it('stores a refusal reason, cut to 200 characters, counted as an error', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    await write(s, [
      usageEvent({
        accountId: a.id,
        status: 429,
        refusal: 'key rpm limit 10 reached',
        at: new Date(T0),
      }),
      usageEvent({ accountId: a.id, status: 401, refusal: 'x'.repeat(300), at: new Date(T0 + 1) }),
      usageEvent({ accountId: a.id, at: new Date(T0 + 2) }),
    ])
    const logs = await s.usageLogs({ accountId: a.id, limit: 10 })
    expect(logs.map((e) => e.refusal)).toEqual([null, 'x'.repeat(200), 'key rpm limit 10 reached'])
    expect((await s.usageSummary({ accountId: a.id })).total).toMatchObject({
      requests: 3,
      errors: 2,
    })
  })

  it('summarises one key', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const k1 = (await s.createProxyKey({ accountId: a.id })).key.id
    const k2 = (await s.createProxyKey({ accountId: a.id })).key.id
    await write(s, [
      usageEvent({ accountId: a.id, keyId: k1, costUsd: 0.25 }),
      usageEvent({ accountId: a.id, keyId: k1, costUsd: 0.5, at: new Date(T0 + 2 * DAY) }),
      usageEvent({ accountId: a.id, keyId: k2, costUsd: 1 }),
    ])
    const one = await s.usageSummary({ keyId: k1 })
    expect(one.total.requests).toBe(2)
    expect(one.total.costUsd).toBeCloseTo(0.75, 9)
    const ranged = await s.usageSummary({ keyId: k1, from: new Date(T0 + DAY) })
    expect(ranged.total.requests).toBe(1)
    expect((await s.usageSummary({ keyId: 'nope' })).total.requests).toBe(0)
  })

  it('sums committed spend per key, since a minute or for all time, and per minute', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const b = await s.createAccount({ name: 'b', password: 'pw' })
    const ka = (await s.createProxyKey({ accountId: a.id })).key.id
    const kb = (await s.createProxyKey({ accountId: b.id })).key.id
    const kFree = (await s.createProxyKey({ accountId: b.id })).key.id
    const at = (ms: number) => new Date(T0 + ms)
    const events = [
      usageEvent({ accountId: a.id, keyId: ka, costUsd: 0.1, at: at(-3 * DAY) }),
      usageEvent({ accountId: a.id, keyId: ka, costUsd: 0.2, at: at(-2 * HOUR - 5 * MIN) }),
      usageEvent({ accountId: a.id, keyId: ka, costUsd: 0.3, at: at(20_000) }),
      usageEvent({ accountId: a.id, keyId: ka, costUsd: 0.4, at: at(50_000) }),
      usageEvent({ accountId: a.id, keyId: ka, costUsd: 0.5, at: at(3 * MIN) }),
      usageEvent({ accountId: b.id, keyId: kb, costUsd: 0.000000007, at: at(4 * HOUR) }),
      usageEvent({ accountId: b.id, keyId: kFree, costUsd: 0, at: at(MIN) }),
    ]
    await write(s, events)
    const all = await s.spendByKey({})
    const ids = [ka, kb].sort()
    expect(all.map((r) => r.keyId)).toEqual(ids)
    const rowA = all.find((r) => r.keyId === ka)
    expect(rowA).toMatchObject({ accountId: a.id, at: null })
    expect(rowA?.costUsd).toBeCloseTo(1.5, 9)
    expect(all.find((r) => r.keyId === kb)).toEqual({
      keyId: kb,
      accountId: b.id,
      at: null,
      costUsd: 0.000000007,
    })
    const last5h = await s.spendByKey({ from: at(-5 * HOUR) })
    expect(last5h.find((r) => r.keyId === ka)?.costUsd).toBeCloseTo(1.4, 9)
    // `from` is floored to its minute: the event 20 s into T0's minute counts.
    const since = await s.spendByKey({ from: at(30_000) })
    expect(since.find((r) => r.keyId === ka)?.costUsd).toBeCloseTo(1.2, 9)
    const perMinute = await s.spendByKey({ from: at(-3 * HOUR), byMinute: true })
    expect(
      perMinute.filter((r) => r.keyId === ka).map((r) => [r.at?.getTime(), r.costUsd]),
    ).toEqual([
      [T0 - 2 * HOUR - 5 * MIN, 0.2],
      [T0, 0.7],
      [T0 + 3 * MIN, 0.5],
    ])
    expect(perMinute.find((r) => r.keyId === kb)?.at?.getTime()).toBe(T0 + 4 * HOUR)
    expect(await s.spendByKey({ from: at(5 * HOUR) })).toEqual([])
    const err = await s.spendByKey({ from: new Date(Number.NaN) }).catch((e) => e)
    expect(isStoreError(err, 'invalid')).toBe(true)
  })
})
