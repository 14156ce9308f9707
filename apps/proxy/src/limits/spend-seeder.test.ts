import type { KeySpend, KeySpendFilter } from '@qcc/store'
import { describe, expect, it } from 'vitest'
import type { CounterSubject, SeededSpend } from './counters'
import { SpendSeeder } from './spend-seeder'

const NOW = Date.parse('2026-03-04T10:00:30Z')
const row = (
  keyId: string,
  accountId: string,
  costUsd: number,
  at: Date | null = null,
): KeySpend => ({
  keyId,
  accountId,
  costUsd,
  at,
})

function seeder(options: { flushFails?: boolean } = {}) {
  const calls: string[] = []
  const seeds = new Map<string, SeededSpend>()
  const s = new SpendSeeder({
    flushUsage: async () => {
      calls.push('flush')
      if (options.flushFails) throw new Error('db down')
    },
    spendByKey: async (f: KeySpendFilter) => {
      calls.push(`read ${f.byMinute ? 'minutes' : 'sum'} ${f.from?.toISOString() ?? 'all'}`)
      if (f.byMinute) {
        return [
          row('k1', 'a1', 0.5, new Date(NOW - 120_000)),
          row('k2', 'a1', 0.25, new Date(NOW - 120_000)),
        ]
      }
      const scale = f.from ? 10 / (NOW - f.from.getTime() + 1) : 1
      return [row('k1', 'a1', 1 + scale), row('k2', 'a1', 2)]
    },
    counters: {
      seedSpend: (subject: CounterSubject, spend: SeededSpend) =>
        void seeds.set(`${subject.scope}:${subject.id}`, spend),
    },
    now: () => NOW,
    log: { warn: (_o, msg) => calls.push(`warn ${msg}`) },
  })
  return { s, calls, seeds }
}

describe('SpendSeeder', () => {
  it('flushes first, then reads the 5 h minutes, day, ISO week, month and all time', async () => {
    const { s, calls, seeds } = seeder()
    await s.seed()
    expect(calls).toEqual([
      'flush',
      'read minutes 2026-03-04T05:00:00.000Z',
      'read sum 2026-03-04T00:00:00.000Z',
      'read sum 2026-03-02T00:00:00.000Z',
      'read sum 2026-03-01T00:00:00.000Z',
      'read sum all',
    ])
    const account = seeds.get('account:a1')
    expect(account?.at).toBe(NOW)
    expect(account?.last5hByMinute).toEqual([[NOW - 120_000, 0.75]])
    expect(account?.total).toBe(4)
    expect(seeds.get('key:k2')).toMatchObject({ day: 2, week: 2, month: 2, total: 2 })
  })

  it('skips a round whose flush fails (own spend is not in the store yet)', async () => {
    const { s, calls, seeds } = seeder({ flushFails: true })
    await s.seed()
    expect(calls).toEqual(['flush', 'warn spend seeding skipped: usage could not be committed'])
    expect(seeds.size).toBe(0)
  })

  it('coalesces rounds asked for while one runs into one more', async () => {
    const { s, calls } = seeder()
    await Promise.all([s.seed(), s.seed(), s.seed()])
    expect(calls.filter((c) => c === 'flush')).toHaveLength(2)
  })

  it('stop waits for the round in flight and refuses new ones (nothing seeds after close)', async () => {
    const { s, calls, seeds } = seeder()
    const round = s.seed()
    const stopped = s.stop()
    await s.seed()
    await stopped
    await round
    // The round already running completes; the ones asked for after stop never start.
    expect(calls.filter((c) => c === 'flush')).toHaveLength(1)
    expect(seeds.size).toBeGreaterThan(0)
    const after = seeds.size
    await s.seed()
    expect(calls.filter((c) => c === 'flush')).toHaveLength(1)
    expect(seeds.size).toBe(after)
  })
})
