import type { EpochMs, NodeHealth, PoolEntry } from '../types'

/**
 * Whether selection may send a request to a node now: `healthy`, or `cooling` with the cooldown
 * over. `failed` and `disabled` nodes are never available (the last resort is a separate path).
 *
 * @example
 * ```ts
 * isAvailable({ ...health, status: 'cooling', coolingUntil: 10_000 }, 12_000) // true
 * ```
 */
export function isAvailable(health: NodeHealth, now: EpochMs): boolean {
  if (health.status === 'healthy') return true
  return health.status === 'cooling' && (health.coolingUntil === null || health.coolingUntil <= now)
}

/** {@link isAvailable} for a pool entry, also honouring the configuration's `disabled` flag. */
export function isEntryAvailable(entry: PoolEntry, now: EpochMs): boolean {
  return !entry.node.disabled && isAvailable(entry.health, now)
}

/**
 * The earliest end of a running cooldown among a tenant's nodes, for the `retry-after` of a 503
 * when nothing could be tried. `undefined` when no node is cooling.
 *
 * @example
 * ```ts
 * finalErrorForFailedAttempts([], { now, poolRetryAt: soonestCoolingEnd(pool, 'acme', now) })
 * ```
 */
export function soonestCoolingEnd(
  pool: readonly PoolEntry[],
  accountId: string,
  now: EpochMs,
): EpochMs | undefined {
  let soonest: number | undefined
  for (const { node, health } of pool) {
    if (node.accountId !== accountId || node.disabled || health.status !== 'cooling') continue
    const until = health.coolingUntil
    if (until !== null && until > now && (soonest === undefined || until < soonest)) soonest = until
  }
  return soonest
}
