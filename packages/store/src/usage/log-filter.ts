import { StoreError } from '../errors'
import type { UsageEvent, UsageLogFilter, UsageStatusFilter } from '../types/usage'

/**
 * The statuses a `usageLogs` status filter keeps (docs/contract.md §12): `[from, to)`, or with
 * `outside` every status not in it (`error` is every request that did not end in 2xx).
 */
export interface StatusRange {
  from: number
  to: number
  outside: boolean
}

const CLASSES: Record<string, StatusRange> = {
  '2xx': { from: 200, to: 300, outside: false },
  '4xx': { from: 400, to: 500, outside: false },
  '5xx': { from: 500, to: 600, outside: false },
  error: { from: 200, to: 300, outside: true },
}

/**
 * The range of a status filter, shared by the adapters so both read it alike.
 * @throws StoreError `invalid` for a filter that is neither a class nor an integer status
 */
export function statusRange(status: UsageStatusFilter): StatusRange {
  if (typeof status === 'number') {
    if (!Number.isInteger(status)) {
      throw new StoreError('invalid', 'usageLogs status must be 2xx, 4xx, 5xx, error or a code')
    }
    return { from: status, to: status + 1, outside: false }
  }
  const range = Object.hasOwn(CLASSES, status) ? CLASSES[status] : undefined
  if (!range) {
    throw new StoreError('invalid', 'usageLogs status must be 2xx, 4xx, 5xx, error or a code')
  }
  return range
}

/** True when `status` is kept by `range`. */
export function inStatusRange(range: StatusRange, status: number): boolean {
  return (status >= range.from && status < range.to) !== range.outside
}

/**
 * True when a limit refused the event: its `refused` limit is set, or (rows written before the
 * limit was recorded) its refusal message.
 */
export function isRefused(e: Pick<UsageEvent, 'refused' | 'refusal'>): boolean {
  return (
    (e.refused !== undefined && e.refused !== null) ||
    (e.refusal !== undefined && e.refusal !== null)
  )
}

/**
 * A predicate for the events a `usageLogs` filter keeps: every given filter must hold (AND);
 * `from` inclusive, `to` exclusive. Paging and order are the caller's.
 * @throws StoreError `invalid` for a bad status filter (at once, not per event)
 */
export function logFilterMatcher(f: UsageLogFilter): (e: UsageEvent) => boolean {
  const from = f.from?.getTime() ?? -Infinity
  const to = f.to?.getTime() ?? Infinity
  const status = f.status === undefined ? undefined : statusRange(f.status)
  return (e) =>
    (f.accountId === undefined || e.accountId === f.accountId) &&
    (f.nodeId === undefined || e.nodeId === f.nodeId) &&
    (f.model === undefined || e.model === f.model) &&
    (f.keyId === undefined || e.keyId === f.keyId) &&
    (f.sessionId === undefined || e.sessionId === f.sessionId) &&
    (f.requestId === undefined || e.requestId === f.requestId) &&
    (status === undefined || inStatusRange(status, e.status)) &&
    (f.refused !== true || isRefused(e)) &&
    e.at.getTime() >= from &&
    e.at.getTime() < to
}
