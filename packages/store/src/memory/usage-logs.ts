import type { UsageStore } from '../interface'
import { clampLimit, pageOffset } from '../rows/fields'
import type { UnpricedModelSeen, UsageEvent, UsageLogEntry } from '../types/usage'
import { logFilterMatcher } from '../usage/log-filter'
import { copyTrace } from '../usage/trace'
import type { Mem } from './state'

/**
 * A stored event as a log entry: a copy (the writer's own object stays unshared), every optional
 * field null when absent, and the current names of its key and node (null once deleted), as the
 * MySQL adapter's LEFT JOINs answer them.
 */
function logEntry(m: Mem, e: UsageEvent): UsageLogEntry {
  const { state } = m
  return {
    ...e,
    at: new Date(e.at),
    upstreamModel: e.upstreamModel ?? null,
    pricedBy: e.pricedBy ?? null,
    refusal: e.refusal ?? null,
    refused: e.refused ?? null,
    trace: copyTrace(e.trace),
    clientIp: e.clientIp ?? null,
    userAgent: e.userAgent ?? null,
    stream: e.stream ?? null,
    keyName: state.keys.get(e.keyId)?.name ?? null,
    nodeName: e.nodeId === null ? null : (state.nodes.get(e.nodeId)?.name ?? null),
  }
}

/** The request log of the memory adapter (docs/contract.md §12): filtered entries, one by id. */
export function memoryUsageLogs(
  m: Mem,
): Pick<UsageStore, 'usageLogs' | 'usageLog' | 'unpricedModels'> {
  const { state } = m
  return {
    async usageLogs(f) {
      const matches = logFilterMatcher(f)
      const limit = clampLimit(f.limit, 100, 1000)
      const offset = pageOffset(f.offset)
      const one = f.requestId === undefined ? undefined : state.usage.get(f.requestId)
      const rows = f.requestId === undefined ? [...state.usage.values()] : one ? [one] : []
      return rows
        .filter(matches)
        .sort((a, b) => b.at.getTime() - a.at.getTime() || compareDesc(a.requestId, b.requestId))
        .slice(offset, offset + limit)
        .map((e) => logEntry(m, e))
    },
    async usageLog(requestId, accountId) {
      const e = state.usage.get(requestId)
      if (!e || (accountId !== undefined && e.accountId !== accountId)) return null
      return logEntry(m, e)
    },
    async unpricedModels(limit) {
      const seen = new Map<string, UnpricedModelSeen>()
      for (const e of state.usage.values()) {
        if (e.pricedBy === undefined || e.pricedBy === null || e.pricedBy === 'table') continue
        const s = seen.get(e.model)
        if (!s) seen.set(e.model, { model: e.model, requests: 1, lastSeenAt: new Date(e.at) })
        else {
          s.requests++
          if (e.at > s.lastSeenAt) s.lastSeenAt = new Date(e.at)
        }
      }
      return [...seen.values()]
        .sort((a, b) => b.requests - a.requests || compareAsc(a.model, b.model))
        .slice(0, clampLimit(limit, 100, 1000))
    },
  }
}

/** Model ids in code-unit order, as MySQL's binary collation compares them. */
function compareAsc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Newest first by request id too, in code-unit order as MySQL's binary collation compares. */
function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0
}
