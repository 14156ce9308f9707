import type { AttemptTrace, BillableUsage } from '@qcc/core'

/** Where the data path reports usage: one recorder per request, fed the forwarded bytes. */
export interface UsageTap {
  begin(info: UsageRequestInfo): UsageRecorder
}

export interface UsageRequestInfo {
  requestId: string
  accountId: string
  keyId: string
  sessionId: string | undefined
  model: string | undefined
  route: string
  startedAt: number
  /**
   * Feeds the request's tokens and spend to its limit windows the moment its usage is known, before
   * the batched write (docs/contract.md §10); absent when no limit counts them.
   */
  countUsage?: (usage: BillableUsage, costUsd: number, at: number) => void
}

export interface UsageRecorder {
  readonly startedAt: number
  /** The commit point: a stream (SSE) or a plain JSON answer is going to the client. */
  onCommit(isSse: boolean): void
  /** Every byte of the committed body, in order, as it is forwarded. */
  onChunk(chunk: Buffer): void
  /** The usage parser gave up on an oversized event: the stream must end. */
  readonly overflowed: boolean
  /** The type of the upstream's `event: error`, when one went to the client. */
  readonly errorType: string | null
  /** True once an upstream `event: error` frame has gone to the client. */
  readonly sawErrorEvent: boolean
  /** True once the stream's `message_stop` has gone to the client. */
  readonly complete: boolean
  /** Called exactly once when the request is over (the recorder may read `result` then). */
  finish(result: UsageResult): void
}

export interface UsageResult {
  status: number
  nodeId: string | null
  attempts: number
  ttfbMs: number | null
  bytes: number
  /** The stream was cut or cancelled: the usage is what arrived. */
  partial: boolean
  isSse: boolean
  /** A limit refused the request before any upstream contact: the message (docs/contract.md §10). */
  refusal?: string
  /** The limit that refused it, `<scope>.<limit>` (docs/contract.md §12). */
  refused?: string
  /** The attempts in order (docs/contract.md §12); absent when the trace is off. */
  trace?: readonly AttemptTrace[]
  /** Who asked (docs/contract.md §12); absent when the trace is off. */
  client?: RequestClient
  /** The model id the serving node was sent, when its `model_map` rewrote it (docs/contract.md §13). */
  upstreamModel?: string
}

/** The client of a request as the trace keeps it (docs/contract.md §12). */
export interface RequestClient {
  /** The client address (docs/contract.md §6.3), null when unknown. */
  ip: string | null
  /** The `user-agent`, at most 256 characters. */
  userAgent: string | null
  /** The request asked for a stream. */
  stream: boolean
}
