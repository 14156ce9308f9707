import type { IncomingMessage } from 'node:http'
import type { CounterCheck, Limits } from '@qcc/core'
import { describe, expect, it } from 'vitest'
import type { AdmitAnswer, CountedUsage, CounterSubject, LimitCounters } from './counters'
import { LimitGate, NO_TICKET, type LimitTenant } from './limit-gate'
import { MemoryLimitCounters } from './memory-counters'

const T0 = Date.parse('2026-03-04T10:00:00Z')
const REQ = {} as IncomingMessage
const USAGE = {
  inputTokens: 25,
  outputTokens: 5,
  cacheCreationInputTokens: 10,
  cacheCreation5mTokens: 6,
  cacheCreation1hTokens: 4,
  cacheReadInputTokens: 5,
}

function gate(options: { counters?: LimitCounters; marks?: Promise<Date | null> } = {}) {
  let now = T0
  const refusals: string[] = []
  const logs: string[] = []
  const marked: string[] = []
  const counters = options.counters ?? new MemoryLimitCounters()
  const g = new LimitGate({
    counters,
    now: () => now,
    metrics: { limitRefused: (scope, limit) => refusals.push(`${scope}:${limit}`) },
    log: { info: (_o, msg) => logs.push(msg), warn: (_o, msg) => logs.push(msg) },
    clientAddress: () => '203.0.113.9',
    markFirstUse: (keyId) => {
      marked.push(keyId)
      return options.marks ?? Promise.resolve(null)
    },
  })
  return { g, refusals, logs, marked, counters, tick: (ms: number) => (now += ms) }
}

const tenant = (
  keyLimits: Limits = {},
  accountLimits: Limits = {},
  firstUsedAt: number | null = T0,
): LimitTenant => ({
  accountId: 'a1',
  keyId: 'k1',
  keyLimits,
  accountLimits,
  firstUsedAt,
})

describe('LimitGate', () => {
  it('lets a tenant without limits through on the shared ticket (nothing allocated)', () => {
    const { g } = gate()
    const a = g.admit('r1', tenant(), 'messages', 'm', REQ)
    const b = g.admit('r2', tenant(), 'messages', 'm', REQ)
    expect(a).toBe(b)
    expect(a).toEqual({ ok: true, ticket: NO_TICKET })
  })

  it('refuses by rpm with the 429 core words, counts and logs it', async () => {
    const { g, refusals, logs, tick } = gate()
    const t = tenant({ rpm: 2 })
    for (let i = 0; i < 2; i++)
      expect((await g.admit(`r${i}`, t, 'messages', 'm', REQ)).ok).toBe(true)
    tick(15_000)
    const answer = await g.admit('r2', t, 'messages', 'm', REQ)
    expect(answer).toEqual({
      ok: false,
      refusal: {
        scope: 'key',
        limit: 'rpm',
        status: 429,
        errorType: 'rate_limit_error',
        message: 'key rpm limit 2 reached',
        retryAfterSec: 45,
      },
    })
    expect(refusals).toEqual(['key:rpm'])
    expect(logs).toEqual(['request refused: key rpm limit 2 reached'])
  })

  it('counts only /v1/messages; count_tokens and models are checked for access only', async () => {
    const { g } = gate()
    const t = tenant({ rpm: 1, models: ['claude-*'] })
    for (let i = 0; i < 3; i++)
      expect((await g.admit(`c${i}`, t, 'count_tokens', 'claude-x', REQ)).ok).toBe(true)
    expect(await g.admit('m', t, 'other', undefined, REQ)).toMatchObject({ ok: true })
    const refused = await g.admit('x', t, 'count_tokens', 'gpt', REQ)
    expect(refused.ok === false && refused.refusal.status).toBe(403)
    expect((await g.admit('r1', t, 'messages', 'claude-x', REQ)).ok).toBe(true)
    expect((await g.admit('r2', t, 'messages', 'claude-x', REQ)).ok).toBe(false)
  })

  it('frees the slot once however often release is called, and feeds usage to the windows', async () => {
    const { g, counters } = gate()
    const t = tenant({ concurrency: 1 }, { tpm: 1000, cost_daily_usd: 5 })
    const first = await g.admit('r1', t, 'messages', 'm', REQ)
    if (!first.ok) throw new Error('refused')
    expect((await g.admit('r2', t, 'messages', 'm', REQ)).ok).toBe(false)
    first.ticket.countUsage(USAGE, 0.25, T0)
    first.ticket.release()
    first.ticket.release()
    const second = await g.admit('r3', t, 'messages', 'm', REQ)
    expect(second.ok).toBe(true)
    const w = await g.windows({ scope: 'account', id: 'a1', limits: t.accountLimits as Limits })
    expect(w.tpm?.used).toBe(40)
    expect(w.cost_daily_usd?.used).toBe(0.25)
    expect(await counters.windows([], T0)).toEqual({})
  })

  it('marks a key first use once, off the request path, and expires it by that time', async () => {
    let resolve: (d: Date | null) => void = () => {}
    const marks = new Promise<Date | null>((r) => (resolve = r))
    const { g, marked, tick } = gate({ marks })
    const t = tenant({ expires_after_first_use_days: 1 }, {}, null)
    const first = g.admit('r1', t, 'messages', 'm', REQ)
    expect(first).toMatchObject({ ok: true })
    // Not within the request's own turn.
    expect(marked).toEqual([])
    await Promise.resolve()
    await Promise.resolve()
    expect(marked).toEqual(['k1'])
    // Another replica was first, an hour earlier: its time counts.
    resolve(new Date(T0 - 3_600_000))
    await marks
    await Promise.resolve()
    g.admit('r2', t, 'messages', 'm', REQ)
    expect(marked).toEqual(['k1'])
    tick(23 * 3_600_000 - 1)
    expect((await g.admit('r3', t, 'messages', 'm', REQ)).ok).toBe(true)
    tick(1)
    const expired = await g.admit('r4', t, 'messages', 'm', REQ)
    expect(expired.ok === false && expired.refusal.message).toBe('key expired')
  })

  it('fails open when the counters throw, warning once', async () => {
    const broken: LimitCounters = {
      degraded: true,
      admit: (): Promise<AdmitAnswer> => Promise.reject(new Error('redis gone')),
      release: (_id: string, _c: readonly CounterCheck[]) => {},
      record: (_s: readonly CounterSubject[], _u: CountedUsage) => {},
      windows: async () => ({}),
      seedSpend: () => {},
      close: async () => {},
    }
    const { g, logs } = gate({ counters: broken })
    for (let i = 0; i < 3; i++)
      expect((await g.admit(`r${i}`, tenant({ rpm: 1 }), 'messages', 'm', REQ)).ok).toBe(true)
    expect(logs).toEqual(['limit counters failed; requests pass unlimited meanwhile'])
  })
})
