import {
  PICKED_BY,
  TRACE_MESSAGE_MAX,
  TRACE_OUTCOMES,
  type AttemptTrace,
  type PickedBy,
  type TraceOutcome,
} from '@qcc/core'
import { TRACE_ATTEMPTS_MAX } from '../types/usage'

/** Longest strings of one trace entry (the node's id and name columns, an `error.type`). */
const NODE_ID_MAX = 36
const NODE_NAME_MAX = 128
const ERROR_TYPE_MAX = 64
const INT32_MAX = 2 ** 31 - 1
/** Highest HTTP status a trace entry keeps (as the usage row's `status`). */
const STATUS_MAX = 999

const PICKED = new Set<unknown>(PICKED_BY)
const OUTCOMES = new Set<unknown>(TRACE_OUTCOMES)

const isCount = (n: unknown, max: number): boolean =>
  typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max
const isBounded = (s: unknown, max: number): boolean => typeof s === 'string' && s.length <= max
const isNullableText = (s: unknown, max: number): boolean => s === null || isBounded(s, max)

/** A finite non-negative number as an integer of at most `max`, else null. */
function countOrNull(n: unknown, max: number): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.min(Math.round(n), max) : null
}

const textOrNull = (s: unknown, max: number): string | null =>
  typeof s === 'string' ? s.slice(0, max) : null

/** True when {@link normalizeTraceEntry} would answer an equal entry. */
function isStorableEntry(a: AttemptTrace): boolean {
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof a.nodeId === 'string' &&
    a.nodeId !== '' &&
    a.nodeId.length <= NODE_ID_MAX &&
    isBounded(a.nodeName, NODE_NAME_MAX) &&
    PICKED.has(a.pickedBy) &&
    OUTCOMES.has(a.outcome) &&
    typeof a.startedAt === 'number' &&
    Number.isFinite(a.startedAt) &&
    (a.status === null || isCount(a.status, STATUS_MAX)) &&
    isNullableText(a.errorType, ERROR_TYPE_MAX) &&
    isNullableText(a.errorMessage, TRACE_MESSAGE_MAX) &&
    (a.ttfbMs === null || isCount(a.ttfbMs, INT32_MAX)) &&
    isCount(a.durationMs, INT32_MAX)
  )
}

/**
 * One entry as every adapter stores it, or null when it cannot be one (no node id or name, a
 * `pickedBy` or `outcome` outside core's vocabulary, no valid start): strings cut to their
 * bounds, numbers made finite non-negative integers (or null).
 */
function normalizeTraceEntry(a: unknown): AttemptTrace | null {
  if (typeof a !== 'object' || a === null) return null
  const e = a as Record<keyof AttemptTrace, unknown>
  if (typeof e.nodeId !== 'string' || e.nodeId === '' || typeof e.nodeName !== 'string') return null
  if (!PICKED.has(e.pickedBy) || !OUTCOMES.has(e.outcome)) return null
  if (typeof e.startedAt !== 'number' || !Number.isFinite(e.startedAt)) return null
  return {
    nodeId: e.nodeId.slice(0, NODE_ID_MAX),
    nodeName: e.nodeName.slice(0, NODE_NAME_MAX),
    pickedBy: e.pickedBy as PickedBy,
    startedAt: e.startedAt,
    status: countOrNull(e.status, STATUS_MAX),
    outcome: e.outcome as TraceOutcome,
    errorType: textOrNull(e.errorType, ERROR_TYPE_MAX),
    errorMessage: textOrNull(e.errorMessage, TRACE_MESSAGE_MAX),
    ttfbMs: countOrNull(e.ttfbMs, INT32_MAX),
    durationMs: countOrNull(e.durationMs, INT32_MAX) ?? 0,
  }
}

/**
 * True when {@link normalizeTrace} would answer an equal trace: null/absent, or at most
 * {@link TRACE_ATTEMPTS_MAX} entries that are all storable as they are. Runs once per request:
 * the proxy's own traces pass, so the writer keeps them without a copy.
 */
export function isStorableTrace(trace: readonly AttemptTrace[] | null | undefined): boolean {
  if (trace === null || trace === undefined) return true
  if (!Array.isArray(trace) || trace.length > TRACE_ATTEMPTS_MAX) return false
  for (const a of trace) if (!isStorableEntry(a)) return false
  return true
}

/**
 * A request's trace as every adapter stores it (docs/contract.md §12.1): entries that cannot be
 * stored dropped, the rest bounded, at most {@link TRACE_ATTEMPTS_MAX} (the first ones, in
 * order); null for anything that is not an array.
 */
export function normalizeTrace(trace: unknown): AttemptTrace[] | null {
  if (!Array.isArray(trace)) return null
  const out: AttemptTrace[] = []
  for (const a of trace) {
    if (out.length === TRACE_ATTEMPTS_MAX) break
    const entry = normalizeTraceEntry(a)
    if (entry) out.push(entry)
  }
  return out
}

/**
 * A trace read back from a `qcc_usage_events.attempt_trace` value: MySQL's driver answers JSON
 * parsed, MariaDB's LONGTEXT answers a string. A value that is no trace answers null, never a
 * throw (one bad row must not break the request log).
 */
export function parseStoredTrace(value: unknown): AttemptTrace[] | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'string') return normalizeTrace(value)
  try {
    return normalizeTrace(JSON.parse(value))
  } catch {
    return null
  }
}

/** A copy of a stored trace for a reader (the memory adapter keeps the writer's own arrays). */
export function copyTrace(
  trace: readonly AttemptTrace[] | null | undefined,
): AttemptTrace[] | null {
  return trace ? trace.map((a) => ({ ...a })) : null
}
