import type { AttemptTrace, BillableUsage, PricedBy } from '@qcc/core'

/** One record per proxied request (not per attempt); the token counts are core's. */
export interface UsageEvent extends BillableUsage {
  /** Unique per request; events are idempotent by it. */
  requestId: string
  accountId: string
  keyId: string
  /** The node that served (or last tried) the request; null when none was reached. */
  nodeId: string | null
  /** The model the client asked for; summaries group by it. */
  model: string
  /**
   * The model id sent upstream when the node's `model_map` rewrote it (docs/contract.md §13), else
   * null/absent.
   */
  upstreamModel?: string | null
  /** Final HTTP status sent to the client (0 when none was sent). Non-2xx counts as an error. */
  status: number
  attempts: number
  /** Rounded to 1e-9 USD when stored. */
  costUsd: number
  /**
   * How `costUsd` was priced (docs/contract.md §15): the model's table row, its family, the
   * default `*` row, or `none` (cost 0); null/absent on rows written before it was recorded.
   */
  pricedBy?: PricedBy | null
  ttfbMs: number | null
  durationMs: number
  bytes: number
  sessionId: string | null
  /** The stream ended early (client abort, upstream error, shutdown). */
  partial: boolean
  at: Date
  /**
   * Why qcc refused the request before any upstream contact (a limit: `key rpm limit 10
   * reached`), else null/absent. A refused request counts as a request with an error.
   */
  refusal?: string | null
  /**
   * The limit that refused the request, as `<scope>.<limit>` (`key.rpm`, `account.cost_daily_usd`),
   * else null/absent (docs/contract.md §12).
   */
  refused?: string | null
  /**
   * The request's attempts in order (docs/contract.md §12), at most {@link TRACE_ATTEMPTS_MAX};
   * `attempts` is their count. Absent/null on rows written before the trace existed.
   */
  trace?: readonly AttemptTrace[] | null
  /** The client address as docs/contract.md §6.3 resolves it, else null/absent. */
  clientIp?: string | null
  /** The client's `user-agent`, at most 256 characters, else null/absent. */
  userAgent?: string | null
  /** The request asked for a stream (`"stream": true`); null/absent on rows written before. */
  stream?: boolean | null
}

/** Most attempts one usage row keeps in its trace (a request makes `retryMax` + 1 at most). */
export const TRACE_ATTEMPTS_MAX = 20

/** One request log entry: the event with the names of its key and serving node (null once deleted). */
export interface UsageLogEntry extends UsageEvent {
  keyName: string | null
  nodeName: string | null
}

/**
 * The status filter of `usageLogs` (docs/contract.md §12): a class (`2xx`, `4xx`, `5xx`), every
 * request that did not end in 2xx (`error`), or one status code.
 */
export type UsageStatusFilter = '2xx' | '4xx' | '5xx' | 'error' | number

/** A model id usage rows priced other than by the table (docs/contract.md §15). */
export interface UnpricedModelSeen {
  model: string
  /** Usage rows (requests) of that model priced by family, default or not at all. */
  requests: number
  lastSeenAt: Date
}

/** Summed counters, as in the admin API's usage summary (docs/contract.md §6.1/6.2); token sums are core's. */
export interface UsageTotals extends BillableUsage {
  /** Every authenticated request, failed ones included. */
  requests: number
  /** Requests that did not end in 2xx. */
  errors: number
  costUsd: number
  bytes: number
  durationMsSum: number
  /** Sum of the non-null `ttfbMs` values. */
  ttfbMsSum: number
}

/** Dimension a usage summary can be grouped by. */
export type UsageGroupBy = 'model' | 'node' | 'key'

/**
 * Filter of `usageSummary`; `from` inclusive, `to` exclusive, widened to whole minutes (`from`
 * rounded down, `to` up). No `from`/`to` means all time.
 */
export interface UsageSummaryFilter {
  accountId?: string
  /** One key's usage only (`/key/status`). */
  keyId?: string
  nodeId?: string
  from?: Date
  to?: Date
  groupBy?: UsageGroupBy
}

/** One group of a grouped summary: keyed by id (model name for `model`), with a display name. */
export interface UsageGroup extends UsageTotals {
  key: string
  /** Node or key name (null when it was deleted), or the model. */
  name: string | null
}

/** Result of `usageSummary`: totals, and the groups when `groupBy` was given (else empty). */
export interface UsageSummary {
  total: UsageTotals
  groups: UsageGroup[]
}

/** Filter of `usageLogs`, newest first. `limit` is capped at 1000. */
export interface UsageLogFilter {
  accountId?: string
  nodeId?: string
  model?: string
  keyId?: string
  sessionId?: string
  requestId?: string
  status?: UsageStatusFilter
  /** True: only requests a limit refused. */
  refused?: boolean
  from?: Date
  to?: Date
  limit: number
  offset?: number
}

/** Rollup granularity. */
export type UsageBucket = 'minute' | 'hour' | 'day'

/** Filter of `usageSeries`. At most 10,000 buckets per call. */
export interface UsageSeriesFilter {
  accountId?: string
  nodeId?: string
  from: Date
  to: Date
  bucket: UsageBucket
}

/** One point of a series; buckets without traffic are present with zeros. */
export interface UsagePoint extends UsageTotals {
  at: Date
}

/** Counters of the usage writer. */
export interface UsageWriterStats {
  /** Raw events buffered and not yet committed. */
  pending: number
  /** Raw detail rows dropped because the buffer was full (their totals were kept). */
  dropped: number
  /** Events ignored because the same request id was seen recently. */
  duplicates: number
  /** Events refused after close (not counted anywhere). */
  rejectedAfterClose: number
  /** Events committed by this writer. */
  written: number
  /** Failed flush attempts since start. */
  failedFlushes: number
  /** Message of the last flush failure, cleared by a successful flush. */
  lastError: string | null
}

/**
 * Batches usage off the request path. `enqueue` never waits and never throws for a full buffer.
 */
export interface UsageWriter {
  /**
   * Buffers one event; returns at once. The writer takes the object over (it may keep it as it
   * is): the caller must not change it afterwards.
   */
  enqueue(event: UsageEvent): void
  /**
   * Writes everything buffered so far.
   * @throws StoreError `unavailable` when the database keeps failing until the flush deadline.
   */
  flush(): Promise<void>
  stats(): UsageWriterStats
}

/** Spend of one key over a span, or in one minute of it (`spendByKey`). */
export interface KeySpend {
  keyId: string
  accountId: string
  /** Start of the minute with `byMinute`, else null. */
  at: Date | null
  costUsd: number
}

/** Filter of `spendByKey`: `from` inclusive (whole minutes), none for all time. */
export interface KeySpendFilter {
  from?: Date
  /** One row per key and minute (for sliding windows), else one row per key. */
  byMinute?: boolean
}
