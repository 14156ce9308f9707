import { describe, expect, it } from 'vitest'
import { createAdminApi } from '../api/client'
import type { SeriesPoint } from '../api/types'
import { fakeApi } from '../api/fake-api'
import { align, columns, pointCount } from './series-data'
import { UsageModel } from './usage'

const NOW = Date.parse('2026-01-01T12:00:00Z')
const point = (at: string, requests: number, extra: Partial<SeriesPoint> = {}): SeriesPoint => ({
  at,
  requests,
  errors: 0,
  input_tokens: 10,
  output_tokens: 5,
  cache_creation_input_tokens: 0,
  cache_creation_5m_input_tokens: 0,
  cache_creation_1h_input_tokens: 0,
  cache_read_input_tokens: 0,
  cost_usd: 0.01,
  bytes: 0,
  avg_duration_ms: 100,
  avg_ttfb_ms: 20,
  ...extra,
})

describe('usage model', () => {
  it('loads totals, the series and one series per node over the window', async () => {
    const from = '2026-01-01T11:00:00.000Z'
    const to = '2026-01-01T12:00:00.000Z'
    const base = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`
    const { api } = fakeApi({
      [`GET /admin/api/usage/summary?${base}`]: { requests: 3, errors: 1 },
      [`GET /admin/api/usage/series?${base}&bucket=minute`]: {
        points: [point('2026-01-01T11:59:00Z', 3)],
      },
      [`GET /admin/api/usage/series?${base}&bucket=minute&node_id=n1`]: {
        points: [point('2026-01-01T11:59:00Z', 3)],
      },
    })
    const m = new UsageModel({ api, now: () => NOW, nodes: () => [{ id: 'n1', name: 'one' }] })
    await m.load()
    expect(m.error.value).toBeNull()
    expect(m.totals.value?.requests).toBe(3)
    expect(m.successRate.value).toBeCloseTo(2 / 3)
    expect(m.series.value).toHaveLength(1)
    expect(m.perNode.value[0]?.name).toBe('one')
  })

  it('folds live request events into a refetch, plus one after a burst that went on', () => {
    const timers: (() => void)[] = []
    const { api, calls } = fakeApi({})
    const m = new UsageModel({ api, now: () => NOW, setTimer: (fn) => timers.push(fn) })
    const loads = () => calls.filter((c) => c.includes('summary')).length
    m.onRequest()
    timers[0]?.()
    expect([timers.length, loads()]).toEqual([1, 1])
    m.onRequest()
    m.onRequest()
    m.onRequest()
    expect(timers).toHaveLength(2)
    timers[1]?.()
    // Events arrived while waiting: one more fetch later catches the last of them.
    expect([timers.length, loads()]).toEqual([3, 2])
    timers[2]?.()
    expect([timers.length, loads()]).toEqual([3, 3])
  })
})

describe('series data', () => {
  it('builds sorted columns and aligns per-node series with gaps', () => {
    const a = [point('2026-01-01T00:02:00Z', 2), point('2026-01-01T00:01:00Z', 1)]
    const b = [point('2026-01-01T00:03:00Z', 7, { avg_duration_ms: 300 })]
    const cols = columns(a, [(p) => p.requests])
    expect(cols[1]).toEqual([1, 2])
    const al = align([a, b], (p) => p.avg_duration_ms)
    expect(al[0]).toHaveLength(3)
    expect(al[1]).toEqual([100, 100, null])
    expect(al[2]).toEqual([null, null, 300])
    expect(pointCount(al)).toBe(3)
  })
})

describe('usage model, overlapping loads', () => {
  it('keeps the newest answer when an older load finishes last', async () => {
    let release: (() => void) | undefined
    const slow = new Promise<void>((r) => (release = r))
    let calls = 0
    const api = createAdminApi({
      ...fakeApi({}).http,
      get: async <T>(path: string): Promise<T> => {
        const summary = path.includes('/summary')
        const first = summary && ++calls === 1
        if (first) await slow
        const requests = first ? 1 : 2
        return (summary ? { requests, errors: 0 } : { points: [] }) as T
      },
    })
    const m = new UsageModel({ api, now: () => NOW })
    const older = m.load()
    await m.load()
    release?.()
    await older
    expect(m.totals.value?.requests).toBe(2)
  })
})
