import type { UsageEvent } from '../types/usage'
import { toNanoUsd } from './rollup'

const INT32_MAX = 2 ** 31 - 1
/** Earliest and latest instants a DATETIME holds (years 1000 to 9999). */
const MIN_AT = Date.UTC(1000, 0, 1)
const MAX_AT = Date.UTC(9999, 11, 31)

const TOKEN_FIELDS = [
  'inputTokens',
  'outputTokens',
  'cacheCreationInputTokens',
  'cacheCreation5mTokens',
  'cacheCreation1hTokens',
  'cacheReadInputTokens',
  'bytes',
] as const

/** A finite non-negative integer, at most `max`. */
function count(n: unknown, max = Number.MAX_SAFE_INTEGER): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.min(Math.round(n), max) : 0
}

function text(s: unknown, max: number, fallback: string): string {
  return typeof s === 'string' && s !== '' ? s.slice(0, max) : fallback
}

/**
 * A copy of an event that every adapter can store: counts made finite non-negative integers
 * within their column ranges, cost rounded to nano-dollars (capped at $1M), strings bounded,
 * an invalid time replaced by now. One bad event must never poison a batch (a batch that cannot
 * be written would be retried forever and block all usage behind it).
 */
export function normalizeEvent(e: UsageEvent): UsageEvent {
  const at = e.at instanceof Date ? e.at.getTime() : Number.NaN
  const out: UsageEvent = {
    ...e,
    accountId: text(e.accountId, 36, ''),
    keyId: text(e.keyId, 36, ''),
    nodeId: typeof e.nodeId === 'string' && e.nodeId !== '' ? e.nodeId.slice(0, 36) : null,
    model: text(e.model, 128, 'unknown'),
    status: count(e.status, 999),
    attempts: count(e.attempts, 1_000_000),
    durationMs: count(e.durationMs, INT32_MAX),
    ttfbMs: e.ttfbMs === null || e.ttfbMs === undefined ? null : count(e.ttfbMs, INT32_MAX),
    costUsd:
      Number.isFinite(e.costUsd) && e.costUsd > 0 ? toNanoUsd(Math.min(e.costUsd, 1e6)) / 1e9 : 0,
    sessionId:
      typeof e.sessionId === 'string' && e.sessionId !== '' ? e.sessionId.slice(0, 128) : null,
    partial: Boolean(e.partial),
    at: new Date(at >= MIN_AT && at <= MAX_AT ? at : Date.now()),
  }
  for (const f of TOKEN_FIELDS) out[f] = count(e[f])
  return out
}
