import type { Counters, RollupDelta, RollupKey } from '../types/rollups'
import type { UsageBucket, UsageEvent, UsageTotals } from '../types/usage'

export type { Counters, RollupDelta, RollupKey }

/** Length of each rollup bucket in ms (UTC; days start at 00:00 UTC). */
export const BUCKET_MS: Record<UsageBucket, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
}

/** Every rollup granularity, finest first. */
export const BUCKETS: readonly UsageBucket[] = ['minute', 'hour', 'day']

/** Names of the counter fields, in a fixed order. */
export const COUNTER_FIELDS = [
  'requests',
  'errors',
  'inputTokens',
  'outputTokens',
  'cacheCreationInputTokens',
  'cacheCreation5mTokens',
  'cacheCreation1hTokens',
  'cacheReadInputTokens',
  'costNanoUsd',
  'bytes',
  'durationMsSum',
  'ttfbMsSum',
] as const satisfies readonly (keyof Counters)[]

/** All-zero counters. */
export function zeroCounters(): Counters {
  return {
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheCreation5mTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadInputTokens: 0,
    costNanoUsd: 0,
    bytes: 0,
    durationMsSum: 0,
    ttfbMsSum: 0,
  }
}

/**
 * Adds `b` into `a` (mutates `a`). Spelled out field by field: it runs three times per request,
 * and a loop over `COUNTER_FIELDS` makes every access a slow keyed (megamorphic) one.
 */
export function addCounters(a: Counters, b: Counters): Counters {
  a.requests += b.requests
  a.errors += b.errors
  a.inputTokens += b.inputTokens
  a.outputTokens += b.outputTokens
  a.cacheCreationInputTokens += b.cacheCreationInputTokens
  a.cacheCreation5mTokens += b.cacheCreation5mTokens
  a.cacheCreation1hTokens += b.cacheCreation1hTokens
  a.cacheReadInputTokens += b.cacheReadInputTokens
  a.costNanoUsd += b.costNanoUsd
  a.bytes += b.bytes
  a.durationMsSum += b.durationMsSum
  a.ttfbMsSum += b.ttfbMsSum
  return a
}

/** USD to integer nano-USD. */
export function toNanoUsd(usd: number): number {
  return Number.isFinite(usd) ? Math.round(usd * 1e9) : 0
}

/** The counters one event contributes. */
export function eventCounters(e: UsageEvent): Counters {
  return {
    requests: 1,
    errors: e.status >= 200 && e.status < 300 ? 0 : 1,
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    cacheCreationInputTokens: e.cacheCreationInputTokens,
    cacheCreation5mTokens: e.cacheCreation5mTokens,
    cacheCreation1hTokens: e.cacheCreation1hTokens,
    cacheReadInputTokens: e.cacheReadInputTokens,
    costNanoUsd: toNanoUsd(e.costUsd),
    bytes: e.bytes,
    durationMsSum: e.durationMs,
    ttfbMsSum: e.ttfbMs ?? 0,
  }
}

/** Public totals from counters. */
export function toTotals(c: Counters): UsageTotals {
  const { costNanoUsd, ...rest } = c
  return { ...rest, costUsd: costNanoUsd / 1e9 }
}

/** Start of the bucket holding `ms`. */
export function bucketStart(ms: number, bucket: UsageBucket): number {
  const size = BUCKET_MS[bucket]
  return Math.floor(ms / size) * size
}

/** Stable string form of a rollup key, for maps. */
export function rollupKeyString(k: RollupKey): string {
  return `${k.bucket}\u0000${k.start}\u0000${k.accountId}\u0000${k.nodeId}\u0000${k.model}\u0000${k.keyId}`
}

/** Adds the rollup rows of `events` (every granularity) into `into`. */
export function accumulateRollups(
  into: Map<string, RollupDelta>,
  events: Iterable<UsageEvent>,
): Map<string, RollupDelta> {
  for (const e of events) {
    const counters = eventCounters(e)
    const at = e.at.getTime()
    const nodeId = e.nodeId ?? ''
    // The same string rollupKeyString makes, with the event's part built once for all buckets.
    const rest = `\u0000${e.accountId}\u0000${nodeId}\u0000${e.model}\u0000${e.keyId}`
    for (const bucket of BUCKETS) {
      const start = bucketStart(at, bucket)
      const id = `${bucket}\u0000${start}${rest}`
      const row = into.get(id)
      if (row) addCounters(row.counters, counters)
      else {
        const key = {
          bucket,
          start,
          accountId: e.accountId,
          nodeId,
          model: e.model,
          keyId: e.keyId,
        }
        into.set(id, { ...key, counters: { ...counters } })
      }
    }
  }
  return into
}

/** A part of a time range read from one granularity: [from, to) over bucket starts. */
export interface RangeSegment {
  bucket: UsageBucket
  from: number
  to: number
}

function floorTo(ms: number, size: number): number {
  return Number.isFinite(ms) ? Math.floor(ms / size) * size : ms
}

function ceilTo(ms: number, size: number): number {
  return Number.isFinite(ms) ? Math.ceil(ms / size) * size : ms
}

/**
 * Covers [from, to) widened to whole minutes (`from` rounded down, `to` up, so "until now"
 * includes the current minute; infinite ends allowed) with as few rollup rows as possible: whole days from the day rollup, edge hours from the hour rollup, edge minutes from
 * the minute rollup. Summing the segments gives exact totals.
 */
export function splitRange(from: number, to: number): RangeSegment[] {
  const a = floorTo(from, BUCKET_MS.minute)
  const b = ceilTo(to, BUCKET_MS.minute)
  const out: RangeSegment[] = []
  const emit = (bucket: UsageBucket, x: number, y: number): void => {
    if (x < y) out.push({ bucket, from: x, to: y })
  }
  const h0 = Math.min(ceilTo(a, BUCKET_MS.hour), b)
  const h1 = Math.max(floorTo(b, BUCKET_MS.hour), h0)
  const d0 = Math.min(ceilTo(h0, BUCKET_MS.day), h1)
  const d1 = Math.max(floorTo(h1, BUCKET_MS.day), d0)
  emit('minute', a, h0)
  emit('hour', h0, d0)
  emit('day', d0, d1)
  emit('hour', d1, h1)
  emit('minute', h1, b)
  return out
}
