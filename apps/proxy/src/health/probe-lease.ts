import type { ProbeClaim } from './scheduler'
import type { RedisLeases } from '../redis/lease'

/**
 * How long a probe lease lasts: just under the probe's interval, so it has always ended by the
 * time the same kind of probe comes round again (at least one interval later, plus jitter), even
 * with the scheduler's 1 s tick between a due time and the claim. Successive probes of one node in
 * all replicas are therefore at least this far apart, and about one interval.
 */
export function probeLeaseMs(intervalMs: number): number {
  const margin = Math.min(1000, Math.floor(intervalMs / 10))
  return Math.max(1, Math.floor(intervalMs - margin))
}

/**
 * The scheduler's claim in Redis (docs/contract.md §11: each node is probed once per interval in
 * all replicas): before a probe the replica takes `<prefix>probe:<nodeId>:<kind>` for just under
 * the interval; a replica that finds it taken skips the probe and learns its result from the node
 * state in the store. Recovery probes and sweeps have a key each, so a 5-minute sweep lease left by
 * a replica that died never holds up a failed node's 30-second recovery probes.
 *
 * While Redis is down (or does not answer in time) every replica probes, as without Redis: a probe
 * too many is better than none.
 *
 * @example
 * ```ts
 * const scheduler = new HealthScheduler({ ...deps, claim: createProbeClaim(new RedisLeases(link, holder)) })
 * ```
 */
export function createProbeClaim(leases: RedisLeases): ProbeClaim {
  return async (nodeId, kind, intervalMs) =>
    (await leases.acquire(`probe:${nodeId}:${kind}`, probeLeaseMs(intervalMs))) !== 'taken'
}
