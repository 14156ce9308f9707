import { MODEL_ID_MAX, PRICED_BY, type PricedBy } from '@qcc/core'
import type { UsageEvent } from '../types/usage'
import { toNanoUsd } from './rollup'
import { isStorableTrace, normalizeTrace } from './trace'

const INT32_MAX = 2 ** 31 - 1
/** Earliest and latest instants a DATETIME holds (years 1000 to 9999). */
const MIN_AT = Date.UTC(1000, 0, 1)
const MAX_AT = Date.UTC(9999, 11, 31)
/** Longest refusal reason kept (docs/contract.md §10); longer ones are cut. */
export const REFUSAL_MAX = 200
/** Longest `refused` limit kept (`<scope>.<limit>`, docs/contract.md §12). */
export const REFUSED_MAX = 48
/** Longest client address kept: any IPv6 text form (docs/contract.md §12). */
export const CLIENT_IP_MAX = 45
/** Longest `user-agent` kept (docs/contract.md §12.1). */
export const USER_AGENT_MAX = 256

const isPricedBy = (v: unknown): v is PricedBy => PRICED_BY.includes(v as PricedBy)

/** A finite non-negative integer, at most `max`. */
function count(n: unknown, max = Number.MAX_SAFE_INTEGER): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.min(Math.round(n), max) : 0
}

function text(s: unknown, max: number, fallback: string): string {
  return typeof s === 'string' && s !== '' ? s.slice(0, max) : fallback
}

const isCount = (n: unknown, max = Number.MAX_SAFE_INTEGER): boolean =>
  typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max
const isText = (s: unknown, max: number): boolean =>
  typeof s === 'string' && s !== '' && s.length <= max
/** Absent, null, or a non-empty string of at most `max` characters. */
const isOptionalText = (s: unknown, max: number): boolean =>
  s === undefined || s === null || isText(s, max)

/** A non-empty string cut to `max` characters, else null. */
const optionalText = (s: unknown, max: number): string | null =>
  typeof s === 'string' && s !== '' ? s.slice(0, max) : null

/**
 * True when `normalizeEvent` would return an equal event: every count a non-negative integer in
 * range, strings set and bounded, the cost already in nano-dollars, a valid time. The proxy's
 * own events always are, so the writer keeps them as they are instead of copying each one.
 */
export function isStorableEvent(e: UsageEvent): boolean {
  const at = e.at instanceof Date ? e.at.getTime() : Number.NaN
  return (
    isText(e.accountId, 36) &&
    isText(e.keyId, 36) &&
    (e.nodeId === null || isText(e.nodeId, 36)) &&
    isText(e.model, MODEL_ID_MAX) &&
    (e.upstreamModel === undefined ||
      e.upstreamModel === null ||
      isText(e.upstreamModel, MODEL_ID_MAX)) &&
    (e.pricedBy === undefined || e.pricedBy === null || isPricedBy(e.pricedBy)) &&
    isCount(e.status, 999) &&
    isCount(e.attempts, 1_000_000) &&
    isCount(e.inputTokens) &&
    isCount(e.outputTokens) &&
    isCount(e.cacheCreationInputTokens) &&
    isCount(e.cacheCreation5mTokens) &&
    isCount(e.cacheCreation1hTokens) &&
    isCount(e.cacheReadInputTokens) &&
    typeof e.costUsd === 'number' &&
    e.costUsd >= 0 &&
    e.costUsd <= 1e6 &&
    toNanoUsd(e.costUsd) / 1e9 === e.costUsd &&
    (e.ttfbMs === null || isCount(e.ttfbMs, INT32_MAX)) &&
    isCount(e.durationMs, INT32_MAX) &&
    isCount(e.bytes) &&
    (e.sessionId === null || isText(e.sessionId, 128)) &&
    typeof e.partial === 'boolean' &&
    isOptionalText(e.refusal, REFUSAL_MAX) &&
    isOptionalText(e.refused, REFUSED_MAX) &&
    isOptionalText(e.clientIp, CLIENT_IP_MAX) &&
    isOptionalText(e.userAgent, USER_AGENT_MAX) &&
    (e.stream === undefined || e.stream === null || typeof e.stream === 'boolean') &&
    isStorableTrace(e.trace) &&
    at >= MIN_AT &&
    at <= MAX_AT
  )
}

/**
 * A copy of an event that every adapter can store: counts made finite non-negative integers
 * within their column ranges, cost rounded to nano-dollars (capped at $1M), strings bounded,
 * an invalid time replaced by now. One bad event must never poison a batch (a batch that cannot
 * be written would be retried forever and block all usage behind it).
 */
export function normalizeEvent(e: UsageEvent): UsageEvent {
  const at = e.at instanceof Date ? e.at.getTime() : Number.NaN
  // Spelled out (no spread, no loop over field names): this runs once per proxied request.
  return {
    requestId: e.requestId,
    accountId: text(e.accountId, 36, ''),
    keyId: text(e.keyId, 36, ''),
    nodeId: typeof e.nodeId === 'string' && e.nodeId !== '' ? e.nodeId.slice(0, 36) : null,
    model: text(e.model, MODEL_ID_MAX, 'unknown'),
    upstreamModel:
      typeof e.upstreamModel === 'string' && e.upstreamModel !== ''
        ? e.upstreamModel.slice(0, MODEL_ID_MAX)
        : null,
    status: count(e.status, 999),
    attempts: count(e.attempts, 1_000_000),
    inputTokens: count(e.inputTokens),
    outputTokens: count(e.outputTokens),
    cacheCreationInputTokens: count(e.cacheCreationInputTokens),
    cacheCreation5mTokens: count(e.cacheCreation5mTokens),
    cacheCreation1hTokens: count(e.cacheCreation1hTokens),
    cacheReadInputTokens: count(e.cacheReadInputTokens),
    costUsd:
      Number.isFinite(e.costUsd) && e.costUsd > 0 ? toNanoUsd(Math.min(e.costUsd, 1e6)) / 1e9 : 0,
    pricedBy: isPricedBy(e.pricedBy) ? e.pricedBy : null,
    ttfbMs: e.ttfbMs === null || e.ttfbMs === undefined ? null : count(e.ttfbMs, INT32_MAX),
    durationMs: count(e.durationMs, INT32_MAX),
    bytes: count(e.bytes),
    sessionId:
      typeof e.sessionId === 'string' && e.sessionId !== '' ? e.sessionId.slice(0, 128) : null,
    partial: Boolean(e.partial),
    at: new Date(at >= MIN_AT && at <= MAX_AT ? at : Date.now()),
    refusal: optionalText(e.refusal, REFUSAL_MAX),
    refused: optionalText(e.refused, REFUSED_MAX),
    trace: normalizeTrace(e.trace),
    clientIp: optionalText(e.clientIp, CLIENT_IP_MAX),
    userAgent: optionalText(e.userAgent, USER_AGENT_MAX),
    stream: typeof e.stream === 'boolean' ? e.stream : null,
  }
}
