import type { Query } from '../api/routes'
import type { UsageLog } from '../api/types'
import { coalesced } from './coalesce'

/** One upstream attempt of a request (docs/contract.md §12). */
export type TraceAttempt = UsageLog['attempts'][number]
export type TraceOutcome = TraceAttempt['outcome']
export type LogsQuery = NonNullable<Query<'GET /admin/api/usage/logs'>>

/** The request log's filters, named as the API and the page's URL query name them. */
export interface LogFilter {
  account_id?: string
  from?: string
  to?: string
  key_id?: string
  session_id?: string
  model?: string
  node_id?: string
  status?: string
  refused?: 'true'
}

const TEXT_KEYS = ['account_id', 'key_id', 'session_id', 'model', 'node_id'] as const
const TIME_KEYS = ['from', 'to'] as const
/** The API's status filter (apps/proxy/src/admin/usage-logs.ts). */
export const STATUS_FILTER = /^(?:2xx|4xx|5xx|error|\d{1,3})$/
/** The URL parameter that names the request whose detail is open. */
export const OPEN_PARAM = 'request'

/**
 * The filters of a URL query, so a filtered view can be linked. Values the API would refuse
 * (a malformed status or time) are dropped rather than turning the page into an error.
 */
export function parseFilter(search: string): LogFilter {
  const q = new URLSearchParams(search)
  const out: LogFilter = {}
  for (const k of TEXT_KEYS) {
    const v = q.get(k)?.trim()
    if (v) out[k] = v
  }
  for (const k of TIME_KEYS) {
    const v = q.get(k)
    if (v && !Number.isNaN(Date.parse(v))) out[k] = new Date(v).toISOString()
  }
  const status = q.get('status')?.trim()
  if (status && STATUS_FILTER.test(status)) out.status = status
  if (q.get('refused') === 'true') out.refused = 'true'
  return out
}

/** `?a=1&b=2` for the filters (and the open request), or `''` when there are none. */
export function filterSearch(filter: LogFilter, open?: string | null): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(filter)) if (v) q.set(k, String(v))
  if (open) q.set(OPEN_PARAM, open)
  const s = q.toString()
  return s ? `?${s}` : ''
}

/** New requests are shown live only on the first page of a range that is still open. */
export const isLive = (filter: LogFilter, offset: number) => offset === 0 && !filter.to

/** A compact attempt chain for the CSV: `main:server_error>backup:ok`. */
export const attemptChain = (attempts: readonly TraceAttempt[]) =>
  attempts.map((a) => `${a.node_name}:${a.outcome}`).join('>')

/** The CSV export's columns, in order (one per value of `csvRow`). */
export const CSV_COLUMNS = [
  'at',
  'request_id',
  'account_id',
  'key_id',
  'key_name',
  'node',
  'model',
  'upstream_model',
  'status',
  'stream',
  'session_id',
  'client_ip',
  'user_agent',
  'attempt_count',
  'attempts',
  'refused',
  'input_tokens',
  'output_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'cost_usd',
  'priced_by',
  'ttfb_ms',
  'duration_ms',
] as const

/** One entry as a CSV row; `nodeName` names the serving node when the entry has no name. */
export function csvRow(r: UsageLog, nodeName: (id: string | null) => string): unknown[] {
  return [
    r.at,
    r.request_id,
    r.account_id,
    r.key_id,
    r.key_name,
    r.node_name ?? nodeName(r.node_id),
    r.model,
    r.upstream_model,
    r.status,
    r.stream,
    r.session_id,
    r.client_ip,
    r.user_agent,
    r.attempt_count,
    attemptChain(r.attempts),
    r.refused,
    r.input_tokens,
    r.output_tokens,
    r.cache_creation_input_tokens,
    r.cache_read_input_tokens,
    r.cost_usd,
    r.priced_by,
    r.ttfb_ms,
    r.duration_ms,
  ]
}

/** The API's page size limit; the export reads at most `cap` entries in pages of this size. */
export const EXPORT_PAGE = 1000
export const EXPORT_CAP = 20_000

/** Every entry of a filter, newest first, paging through the API until `has_more` ends or `cap`. */
export async function exportEntries(
  fetchPage: (q: LogsQuery) => Promise<{ logs: UsageLog[]; has_more: boolean }>,
  query: LogsQuery,
  cap = EXPORT_CAP,
): Promise<UsageLog[]> {
  const rows: UsageLog[] = []
  while (rows.length < cap) {
    const page = await fetchPage({ ...query, limit: EXPORT_PAGE, offset: rows.length })
    rows.push(...page.logs)
    if (!page.has_more || page.logs.length === 0) break
  }
  return rows.slice(0, cap)
}

/** How an outcome is coloured: served, the client's own doing, backpressure, or a node fault. */
export function outcomeClass(outcome: TraceOutcome): 'ok' | 'off' | 'warn' | 'bad' {
  if (outcome === 'ok') return 'ok'
  if (outcome === 'client_error') return 'off'
  if (outcome === 'rate_limited' || outcome === 'overloaded') return 'warn'
  return 'bad'
}

/** One attempt's bar on the timeline, in percent of the request's whole span. */
export interface TimelineBar {
  attempt: TraceAttempt
  /** Milliseconds from the first attempt's start. */
  offsetMs: number
  left: number
  width: number
}

/** Bars never shrink below this width (percent), so an instant failure stays visible. */
const MIN_WIDTH = 0.8

/**
 * The timeline geometry: each attempt placed by its `started_at` relative to the first and
 * sized by its `duration_ms`, over the span from the first start to the last end.
 */
export function timelineBars(attempts: readonly TraceAttempt[]): {
  bars: TimelineBar[]
  spanMs: number
} {
  if (attempts.length === 0) return { bars: [], spanMs: 0 }
  const timed = attempts.map((attempt) => ({
    attempt,
    start: Date.parse(attempt.started_at),
    duration: Math.max(0, attempt.duration_ms),
  }))
  const t0 = Math.min(...timed.map((a) => a.start))
  const end = Math.max(...timed.map((a) => a.start + a.duration))
  const spanMs = Math.max(end - t0, 1)
  const bars = timed.map(({ attempt, start, duration }) => {
    const offsetMs = start - t0
    const left = Math.min((offsetMs / spanMs) * 100, 100 - MIN_WIDTH)
    const width = Math.max((duration / spanMs) * 100, MIN_WIDTH)
    return { attempt, offsetMs, left, width: Math.min(width, 100 - left) }
  })
  return { bars, spanMs }
}

/**
 * Usage is written in batches (docs/contract.md §12.1: about a second), so a reload right at a
 * `request` event may miss the request it announces: reload at once and once more this long
 * after the last event.
 */
export const SETTLE_MS = 1500

export interface LiveReloadDeps {
  reload: () => Promise<void>
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
  settleMs?: number
}

/**
 * Live reloads for a `request` event: at most one reload in flight (a burst folds into one
 * more, `coalesced`), plus one settle reload after the burst ends.
 */
export function liveReload(deps: LiveReloadDeps) {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as number))
  const reload = coalesced(deps.reload)
  let timer: unknown = null
  let disposed = false
  return {
    onEvent(): void {
      if (disposed) return
      void reload().catch(() => {})
      if (timer !== null) clearTimer(timer)
      timer = setTimer(() => {
        timer = null
        if (!disposed) void reload().catch(() => {})
      }, deps.settleMs ?? SETTLE_MS)
    },
    dispose(): void {
      disposed = true
      if (timer !== null) clearTimer(timer)
      timer = null
    },
  }
}
