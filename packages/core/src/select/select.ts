import { isAvailable } from '../health/availability'
import type { EpochMs, PoolEntry, RandomSource, StickyPolicy } from '../types'
import { nodeServesModel } from './models'
import { rendezvousScore, sessionHash } from './rendezvous'
import type { StickyBindings } from './sticky'
import type { TtfbMedians } from './ttfb'

const NONE: readonly string[] = []

/** Per-request input of {@link selectNode}. */
export interface SelectContext {
  /** The tenant; nodes of any other tenant are invisible. */
  readonly accountId: string
  readonly now: EpochMs
  /** Breaks ties between equally loaded nodes of a tier. */
  readonly random: RandomSource
  /** Nodes already tried in this request. */
  readonly exclude?: ReadonlySet<string> | undefined
  /** Claude Code session id (see `extractSessionId`). */
  readonly sessionId?: string | undefined
  /** The session's bindings; consulted only with a `sessionId`. */
  readonly sticky?: StickyBindings | undefined
  /** The operator-activated node of the tenant, preferred over every tier while available. */
  readonly activeNodeId?: string | null | undefined
  /** Allow the whole-pool-down last resort (docs/contract.md §4). Default true. */
  readonly allowLastResort?: boolean | undefined
  /**
   * The request's (requested, unmapped) model: nodes whose `models` list does not serve it are
   * skipped before anything else (docs/contract.md §13). Absent: no model filtering. When nothing
   * is picked, `servingNodes` tells "no node serves the model" (404) from an unavailable pool.
   */
  readonly model?: string | undefined
  /**
   * The tenant's `sticky_policy` (docs/contract.md §13): `cache_first` (default) keeps a bound
   * session on its node while it is available; `cost_first` moves it to the best tier as soon as
   * a node of a lower weight than the bound one is available.
   */
  readonly stickyPolicy?: StickyPolicy | undefined
  /**
   * The tenant's `sticky_break_ttfb_ms`: a binding is dropped (deleted from `sticky`) when the
   * bound node's median TTFB in `ttfb` exceeds it. Absent, null or 0: never.
   */
  readonly stickyBreakTtfbMs?: number | null | undefined
  /** Per-node median TTFBs over the last answers (`TtfbWindows`), for `stickyBreakTtfbMs`. */
  readonly ttfb?: TtfbMedians | undefined
}

/** Why a node was picked, for logs and metrics. */
export type SelectionReason =
  | 'active'
  | 'sticky'
  | 'session_hash'
  | 'least_in_flight'
  | 'last_resort'
  /** A bound session moved to a better tier under `cost_first` (docs/contract.md §13). */
  | 'cost_first'

/** The pick of {@link selectNode}. */
export interface Selection {
  readonly entry: PoolEntry
  readonly reason: SelectionReason
}

/**
 * Picks the node for the next attempt of a request. Nodes that do not serve `ctx.model` are
 * skipped first, for every step below (docs/contract.md §13). Then, in this order:
 *
 * 1. the operator-activated node, if available and not tried;
 * 2. the node the session is bound to (`sticky`), if available and not tried, even outside the
 *    best tier, so its prompt cache stays warm (`cache_first`); under `cost_first` only while no
 *    available, untried node has a lower weight (else step 3 picks, reason `cost_first`). A
 *    binding whose node's median TTFB exceeds `stickyBreakTtfbMs` is deleted first;
 * 3. in the best tier (lowest `weight` among available, untried nodes): with a session, the node
 *    rendezvous hashing of the session id picks (replicas agree without sharing state); without,
 *    the node with the fewest requests in flight, ties broken at random;
 * 4. when no node is available: the last resort, the `failed` node that failed longest ago
 *    (never a disabled one, never one cooling with a known end, never a tried one).
 *
 * Nodes of other tenants are never considered. One pass over the pool, no allocation besides the
 * result, so it is cheap on a 50-node pool.
 *
 * @returns the pick, or `undefined` when nothing may be tried
 * @example
 * ```ts
 * const pick = selectNode(pool, { accountId: 'acme', now: Date.now(), random: Math.random })
 * if (pick) console.log(pick.entry.node.name, pick.reason)
 * ```
 */
export function selectNode(pool: readonly PoolEntry[], ctx: SelectContext): Selection | undefined {
  const { accountId, now, sessionId, model } = ctx
  // A request tries at most a few nodes: comparing ids against a short array is several times
  // cheaper than hashing every node id into the set, and nothing at all on a first attempt.
  const excludeSet = ctx.exclude !== undefined && ctx.exclude.size > 8 ? ctx.exclude : undefined
  const excluded =
    excludeSet === undefined && ctx.exclude !== undefined && ctx.exclude.size > 0
      ? [...ctx.exclude]
      : NONE
  const stickyId = boundNode(ctx)
  const session = sessionId === undefined ? undefined : sessionHash(sessionId)
  const activeId = ctx.activeNodeId ?? undefined

  let stickyEntry: PoolEntry | undefined
  let best: PoolEntry | undefined
  let bestWeight = Infinity
  let bestRank = 0
  let ties = 0
  let lastResort: PoolEntry | undefined
  let lastResortAt = Infinity

  for (let i = 0; i < pool.length; i++) {
    const entry = pool[i] as PoolEntry
    const node = entry.node
    if (node.accountId !== accountId || node.disabled) continue
    if (model !== undefined && !nodeServesModel(node, model)) continue
    if (excluded.length > 0 && isListed(excluded, node.id)) continue
    if (excludeSet !== undefined && excludeSet.has(node.id)) continue
    const health = entry.health
    if (health.status !== 'healthy' && !isAvailable(health, now)) {
      if (health.status === 'failed') {
        // A failed node without a failure time (restored from an old record) counts as oldest.
        const at = health.lastFailureAt ?? -Infinity
        if (lastResort === undefined || at < lastResortAt) {
          lastResort = entry
          lastResortAt = at
        }
      }
      continue
    }
    if (node.id === activeId) return { entry, reason: 'active' }
    if (node.id === stickyId) stickyEntry = entry
    const weight = node.weight
    if (weight > bestWeight) continue
    // Rank inside a tier: the rendezvous score with a session (higher wins), else minus the load.
    const rank = session === undefined ? -health.inFlight : rendezvousScore(session, node.id)
    if (weight < bestWeight || rank > bestRank) {
      best = entry
      bestWeight = weight
      bestRank = rank
      ties = 1
    } else if (rank === bestRank && session === undefined) {
      // Reservoir sampling over equal candidates: each ends up picked with probability 1/ties.
      ties++
      if (ctx.random() * ties < 1) best = entry
    }
  }

  if (stickyEntry !== undefined) {
    // bestWeight <= the bound node's weight: it took part in the tier search.
    if (ctx.stickyPolicy !== 'cost_first' || stickyEntry.node.weight <= bestWeight) {
      return { entry: stickyEntry, reason: 'sticky' }
    }
    if (best !== undefined) return { entry: best, reason: 'cost_first' }
  }
  if (best !== undefined) {
    return { entry: best, reason: session === undefined ? 'least_in_flight' : 'session_hash' }
  }
  if (lastResort !== undefined && ctx.allowLastResort !== false) {
    return { entry: lastResort, reason: 'last_resort' }
  }
  return undefined
}

/** The session's bound node id, after the TTFB break (docs/contract.md §13). */
function boundNode(ctx: SelectContext): string | undefined {
  const { sessionId, sticky } = ctx
  if (sessionId === undefined || sticky === undefined) return undefined
  const nodeId = sticky.get(ctx.accountId, sessionId, ctx.now)
  const limit = ctx.stickyBreakTtfbMs
  if (nodeId === undefined || ctx.ttfb === undefined || limit === undefined || limit === null) {
    return nodeId
  }
  if (!(limit > 0)) return nodeId
  const median = ctx.ttfb.median(nodeId)
  if (median === undefined || median <= limit) return nodeId
  sticky.delete(ctx.accountId, sessionId)
  return undefined
}

function isListed(ids: readonly string[], id: string): boolean {
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) return true
  return false
}
