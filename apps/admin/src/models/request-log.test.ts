import { describe, expect, it } from 'vitest'
import type { UsageLog } from '../api/types'
import { fakeApi } from '../api/fake-api'
import { toCsv } from '../csv'
import {
  CSV_COLUMNS,
  attemptChain,
  csvRow,
  exportEntries,
  filterSearch,
  isLive,
  liveReload,
  outcomeClass,
  parseFilter,
  timelineBars,
  type TraceAttempt,
} from './request-log'

const attempt = (over: Partial<TraceAttempt>): TraceAttempt => ({
  node_id: 'n1',
  node_name: 'main',
  picked_by: 'tier',
  started_at: '2026-01-01T00:00:00.000Z',
  status: 200,
  outcome: 'ok',
  error_type: null,
  error_message: null,
  ttfb_ms: 50,
  duration_ms: 100,
  ...over,
})

const FAILOVER = [
  attempt({ outcome: 'server_error', status: 503, duration_ms: 40, error_type: 'api_error' }),
  attempt({
    node_id: 'n2',
    node_name: 'backup',
    started_at: '2026-01-01T00:00:00.050Z',
    duration_ms: 150,
  }),
]

const entry = (over: Partial<UsageLog> = {}): UsageLog => ({
  request_id: 'req_1',
  account_id: 'acc_1',
  key_id: 'key_1',
  key_name: 'ci, nightly',
  node_id: 'n2',
  node_name: 'backup',
  model: 'claude-sonnet-4-6',
  priced_by: 'table',
  upstream_model: null,
  stream: true,
  status: 200,
  success: true,
  attempts: FAILOVER,
  attempt_count: 2,
  session_id: 'sess-1',
  client_ip: '10.0.0.7',
  user_agent: 'claude-cli/1.0 "beta"',
  refused: null,
  refusal: null,
  input_tokens: 10,
  output_tokens: 20,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 5,
  cost_usd: 0.0012,
  ttfb_ms: 120,
  duration_ms: 200,
  bytes: 900,
  partial: false,
  at: '2026-01-01T00:00:00.200Z',
  ...over,
})

describe('request log filters in the URL', () => {
  it('round-trips the filters and the open request, dropping what the API would refuse', () => {
    const f = parseFilter(
      '?key_id=key_1&status=5xx&refused=true&from=2026-01-01T00:00:00Z&session_id=%20s1%20&x=1',
    )
    expect(f).toEqual({
      key_id: 'key_1',
      status: '5xx',
      refused: 'true',
      from: '2026-01-01T00:00:00.000Z',
      session_id: 's1',
    })
    expect(parseFilter(filterSearch(f, 'req_9'))).toEqual(f)
    expect(new URLSearchParams(filterSearch(f, 'req_9')).get('request')).toBe('req_9')
    expect(parseFilter('?status=5x&to=yesterday&refused=1')).toEqual({})
    expect(filterSearch({})).toBe('')
  })

  it('is live only on the first page of a range without an end', () => {
    expect(isLive({}, 0)).toBe(true)
    expect(isLive({ status: '2xx' }, 50)).toBe(false)
    expect(isLive({ to: '2026-01-01T00:00:00.000Z' }, 0)).toBe(false)
  })
})

describe('request log CSV', () => {
  it('writes the new columns and a compact attempt chain', () => {
    expect(attemptChain(FAILOVER)).toBe('main:server_error>backup:ok')
    const row = csvRow(entry(), () => 'unused')
    expect(row).toHaveLength(CSV_COLUMNS.length)
    const csv = toCsv(CSV_COLUMNS, [row]).split('\r\n')
    expect(csv[0]).toContain('key_name,node,model,upstream_model,status,stream,session_id')
    expect(csv[0]).toContain('attempt_count,attempts,refused')
    expect(csv[1]).toContain('"ci, nightly",backup,claude-sonnet-4-6,,200,true,sess-1,10.0.0.7')
    expect(csv[1]).toContain('"claude-cli/1.0 ""beta""",2,main:server_error>backup:ok,,10,20')
  })

  it('names the serving node from the node list when the entry has no name', () => {
    const row = csvRow(entry({ node_name: null, attempts: [] }), (id) => `node ${id}`)
    expect(row[CSV_COLUMNS.indexOf('node')]).toBe('node n2')
    expect(row[CSV_COLUMNS.indexOf('attempts')]).toBe('')
  })

  it('pages through the API by has_more with the page size limit, up to the cap', async () => {
    const page = (offset: number, n: number, more: boolean) => ({
      logs: Array.from({ length: n }, (_, i) => entry({ request_id: `r${offset + i}` })),
      limit: 1000,
      offset,
      has_more: more,
    })
    const { api, calls } = fakeApi({
      'GET /admin/api/usage/logs?status=2xx&limit=1000&offset=0': page(0, 1000, true),
      'GET /admin/api/usage/logs?status=2xx&limit=1000&offset=1000': page(1000, 3, false),
    })
    const rows = await exportEntries((q) => api.usage.logPage(q), { status: '2xx' })
    expect(rows.map((r) => r.request_id).slice(998)).toEqual([
      'r998',
      'r999',
      'r1000',
      'r1001',
      'r1002',
    ])
    expect(calls).toHaveLength(2)
    const capped = await exportEntries((q) => api.usage.logPage(q), { status: '2xx' }, 500)
    expect(capped).toHaveLength(500)
  })
})

describe('attempt timeline geometry', () => {
  it('places each attempt by its start and sizes it by its duration over the whole span', () => {
    const { bars, spanMs } = timelineBars(FAILOVER)
    expect(spanMs).toBe(200)
    expect(bars.map((b) => [b.offsetMs, b.left, b.width])).toEqual([
      [0, 0, 20],
      [50, 25, 75],
    ])
  })

  it('keeps an instant failure visible and inside the track', () => {
    const { bars } = timelineBars([
      attempt({ duration_ms: 1000 }),
      attempt({ started_at: '2026-01-01T00:00:01.000Z', duration_ms: 0, outcome: 'network' }),
    ])
    const instant = bars[1]
    expect(instant?.width).toBeGreaterThan(0)
    expect((instant?.left ?? 0) + (instant?.width ?? 0)).toBeLessThanOrEqual(100)
    expect(timelineBars([])).toEqual({ bars: [], spanMs: 0 })
  })

  it('colours outcomes by whose fault they are', () => {
    expect(outcomeClass('ok')).toBe('ok')
    expect(outcomeClass('client_error')).toBe('off')
    expect(outcomeClass('rate_limited')).toBe('warn')
    expect(outcomeClass('server_error')).toBe('bad')
    expect(outcomeClass('midstream')).toBe('bad')
  })
})

describe('live reloads', () => {
  it('keeps one reload in flight for a burst and reloads once more after it settles', async () => {
    const timers: { fn: () => void; ms: number; cleared: boolean }[] = []
    let runs = 0
    let release: () => void = () => {}
    const live = liveReload({
      reload: async () => {
        runs++
        if (runs === 1) await new Promise<void>((r) => (release = r))
      },
      setTimer: (fn, ms) => {
        const t = { fn, ms, cleared: false }
        timers.push(t)
        return t
      },
      clearTimer: (h) => ((h as (typeof timers)[number]).cleared = true),
    })
    live.onEvent()
    live.onEvent()
    live.onEvent()
    release()
    await new Promise((r) => setTimeout(r, 0))
    expect(runs).toBe(2)
    const pending = timers.filter((t) => !t.cleared)
    expect(pending.map((t) => t.ms)).toEqual([1500])
    pending[0]?.fn()
    await new Promise((r) => setTimeout(r, 0))
    expect(runs).toBe(3)
    live.onEvent()
    live.dispose()
    expect(timers.at(-1)?.cleared).toBe(true)
  })
})
