import { DEFAULTS } from '../config'
import { CoreError } from '../errors'
import { initialHealth, type HealthEffect, type PersistedHealth } from './health-record'
import type {
  Clock,
  EpochMs,
  NodeConfig,
  NodeHealth,
  NodeStatus,
  PoolEntry,
  TransitionEvent,
} from '../types'

/** Options of {@link NodeHealthMachine}. */
export interface HealthMachineOptions {
  readonly clock: Clock
  /**
   * Consecutive failures that make a node `failed` (`PROXY_FAIL_THRESHOLD`), or a function giving
   * a tenant's own value (account settings override env). Default 3.
   */
  readonly failThreshold?: number | ((accountId: string) => number) | undefined
  /** Called once per real transition, after the state changed. */
  readonly onTransition?: ((event: TransitionEvent) => void) | undefined
}

interface Entry {
  node: NodeConfig
  health: NodeHealth
}

const describe = (e: HealthEffect): string => (e.detail ? `${e.reason}: ${e.detail}` : e.reason)

/**
 * The health state machine of every node of this replica: `healthy`, `cooling` (until a time),
 * `failed` (with a reason) and `disabled`.
 *
 * - `failure` adds one to the streak; reaching the threshold makes the node `failed`.
 * - `success` resets the streak and restores a `failed` or `cooling` node (a cooldown with time
 *   left stays: an old request finishing does not lift a rate limit).
 * - `cooldown` rests the node until a time without counting a failure (429, 529).
 * - `fail_now` marks it failed at once (401, 402, 403, spend limit), keeping the reason.
 * - A probe result is applied the same way; a passing probe restores a node (no slow start).
 *
 * Every mutator returns the {@link TransitionEvent} it caused, if any, and calls `onTransition`.
 * Events are emitted only when the status changes, so 50 racing failures give one event (F14).
 * In JS each call runs to completion, which makes this exact within a replica; across replicas the
 * store's compare-and-set decides which replica announces.
 *
 * @example
 * ```ts
 * const health = new NodeHealthMachine({ clock: { now: Date.now }, failThreshold: 3 })
 * health.upsert(node)
 * const d = classifyUpstreamOutcome({ kind: 'response', status: 401 }, { now: Date.now() })
 * health.apply(node.id, d) // { from: 'healthy', to: 'failed', reason: 'auth_failed: http_401', ... }
 * ```
 */
export class NodeHealthMachine {
  private readonly clock: Clock
  private readonly threshold: (accountId: string) => number
  private readonly onTransition: ((event: TransitionEvent) => void) | undefined
  private readonly byId = new Map<string, Entry>()
  private readonly byAccount = new Map<string, Entry[]>()

  /** @throws CoreError `invalid_config` for a threshold below 1 */
  constructor(options: HealthMachineOptions) {
    const t = options.failThreshold ?? DEFAULTS.failThreshold
    if (typeof t === 'number' && !(t >= 1)) {
      throw new CoreError('invalid_config', 'failThreshold must be at least 1')
    }
    this.clock = options.clock
    this.threshold = typeof t === 'number' ? () => t : (id) => Math.max(1, t(id))
    this.onTransition = options.onTransition
  }

  /**
   * Adds a node or updates its configuration, keeping its health. `persisted` seeds the health of a
   * new node (state survives restarts); an operator toggling `disabled` emits a transition.
   */
  upsert(node: NodeConfig, persisted?: PersistedHealth): TransitionEvent | undefined {
    const existing = this.byId.get(node.id)
    if (existing === undefined) {
      const entry: Entry = { node, health: { ...initialHealth(), ...persisted, inFlight: 0 } }
      if (node.disabled) entry.health.status = 'disabled'
      else if (entry.health.status === 'disabled') entry.health.status = 'healthy'
      this.byId.set(node.id, entry)
      this.list(node.accountId).push(entry)
      return undefined
    }
    if (existing.node.accountId !== node.accountId) {
      this.unlist(existing)
      this.list(node.accountId).push(existing)
    }
    const wasDisabled = existing.node.disabled
    existing.node = node
    if (node.disabled && !wasDisabled) return this.disable(node.id)
    if (!node.disabled && wasDisabled) return this.enable(node.id)
    return undefined
  }

  /** Forgets a node (deleted by an operator). */
  remove(nodeId: string): void {
    const entry = this.byId.get(nodeId)
    if (entry === undefined) return
    this.byId.delete(nodeId)
    this.unlist(entry)
  }

  /** A node's configuration and live health, or `undefined` for an unknown id. */
  get(nodeId: string): PoolEntry | undefined {
    return this.byId.get(nodeId)
  }

  /** The live pool of a tenant, for `selectNode`. Do not mutate it. */
  pool(accountId: string): readonly PoolEntry[] {
    return this.byAccount.get(accountId) ?? []
  }

  /** Every node of every tenant, for the probe schedule. */
  entries(): IterableIterator<PoolEntry> {
    return this.byId.values()
  }

  /** Counts an attempt starting on a node (least-in-flight selection reads it). */
  acquire(nodeId: string): void {
    const entry = this.byId.get(nodeId)
    if (entry !== undefined) entry.health.inFlight++
  }

  /** Counts an attempt ending; never goes below zero. */
  release(nodeId: string): void {
    const entry = this.byId.get(nodeId)
    if (entry !== undefined && entry.health.inFlight > 0) entry.health.inFlight--
  }

  /**
   * Applies what an attempt did to its node. `startedAt` (when the attempt began) keeps a slow
   * request that started before the node failed from restoring it with its late success.
   */
  apply(nodeId: string, effect: HealthEffect, startedAt?: EpochMs): TransitionEvent | undefined {
    const entry = this.byId.get(nodeId)
    if (entry === undefined) return undefined
    const h = entry.health
    const now = this.clock.now()
    switch (effect.nodeEffect) {
      case 'none':
        return undefined
      case 'success': {
        h.consecutiveFailures = 0
        h.lastSuccessAt = now
        const stale =
          startedAt !== undefined && h.lastFailureAt !== null && startedAt < h.lastFailureAt
        if (h.status === 'failed' && !stale) return this.move(entry, 'healthy', 'recovered', now)
        if (h.status === 'cooling' && (h.coolingUntil === null || h.coolingUntil <= now)) {
          return this.move(entry, 'healthy', 'recovered', now)
        }
        return undefined
      }
      case 'failure': {
        h.consecutiveFailures++
        h.lastFailureAt = now
        if (h.status === 'failed') h.failReason = describe(effect)
        if (h.status === 'disabled' || h.status === 'failed') return undefined
        if (h.consecutiveFailures < this.threshold(entry.node.accountId)) return undefined
        return this.move(entry, 'failed', describe(effect), now)
      }
      case 'fail_now': {
        h.lastFailureAt = now
        h.consecutiveFailures++
        if (h.status === 'failed') h.failReason = describe(effect)
        if (h.status === 'disabled' || h.status === 'failed') return undefined
        return this.move(entry, 'failed', describe(effect), now)
      }
      case 'cooldown': {
        const until = effect.cooldownUntil ?? now
        h.lastFailureAt = now
        if (h.status === 'disabled' || h.status === 'failed') return undefined
        // Cooling is a rest, not a fault: the failure streak is left as it is (C4, C5).
        h.coolingUntil =
          h.status === 'cooling' && h.coolingUntil !== null
            ? Math.max(h.coolingUntil, until)
            : until
        if (h.status === 'cooling') {
          h.failReason = describe(effect)
          return undefined
        }
        return this.move(entry, 'cooling', describe(effect), now)
      }
    }
  }

  /**
   * Applies a probe's classification. A pass (`success`, or `none`: the node answered and only the
   * probe request was at fault) restores the node; otherwise it counts like a request would,
   * so 401/403 fail the node at once and other failures add one to the streak.
   */
  recordProbe(nodeId: string, effect: HealthEffect): TransitionEvent | undefined {
    const entry = this.byId.get(nodeId)
    if (entry === undefined) return undefined
    const now = this.clock.now()
    entry.health.lastProbeAt = now
    if (effect.nodeEffect !== 'success' && effect.nodeEffect !== 'none')
      return this.apply(nodeId, effect)
    const h = entry.health
    h.consecutiveFailures = 0
    h.lastSuccessAt = now
    if (h.status !== 'failed' && h.status !== 'cooling') return undefined
    return this.move(entry, 'healthy', 'probe passed', now)
  }

  /** Disables a node (operator action). */
  disable(nodeId: string, reason = 'disabled by operator'): TransitionEvent | undefined {
    const entry = this.byId.get(nodeId)
    if (entry === undefined || entry.health.status === 'disabled') return undefined
    return this.move(entry, 'disabled', reason, this.clock.now())
  }

  /** Enables a node again, healthy with a clean streak (operator action). */
  enable(nodeId: string, reason = 'enabled by operator'): TransitionEvent | undefined {
    const entry = this.byId.get(nodeId)
    if (entry === undefined || entry.health.status !== 'disabled') return undefined
    entry.health.consecutiveFailures = 0
    return this.move(entry, 'healthy', reason, this.clock.now())
  }

  /** Ends the cooldowns that are over, one `cooling -> healthy` event each. Call from a timer. */
  expireCooldowns(): TransitionEvent[] {
    const now = this.clock.now()
    const events: TransitionEvent[] = []
    for (const entry of this.byId.values()) {
      const h = entry.health
      if (h.status !== 'cooling' || (h.coolingUntil !== null && h.coolingUntil > now)) continue
      events.push(this.move(entry, 'healthy', 'cooldown over', now))
    }
    return events
  }

  /**
   * Overwrites a node's persisted fields without an event: another replica made (and announced)
   * the transition, and this replica is catching up from the store.
   */
  restore(nodeId: string, persisted: PersistedHealth): void {
    const entry = this.byId.get(nodeId)
    if (entry !== undefined)
      Object.assign(entry.health, persisted, { inFlight: entry.health.inFlight })
  }

  private move(entry: Entry, to: NodeStatus, reason: string, at: EpochMs): TransitionEvent {
    const h = entry.health
    const from = h.status
    h.status = to
    if (to === 'healthy' || to === 'disabled') {
      h.coolingUntil = null
      h.failReason = to === 'disabled' ? reason : null
    } else {
      h.failReason = reason
      if (to === 'failed') h.coolingUntil = null
    }
    const event: TransitionEvent = {
      nodeId: entry.node.id,
      accountId: entry.node.accountId,
      from,
      to,
      reason,
      at,
    }
    this.onTransition?.(event)
    return event
  }

  private list(accountId: string): Entry[] {
    let list = this.byAccount.get(accountId)
    if (list === undefined) {
      list = []
      this.byAccount.set(accountId, list)
    }
    return list
  }

  private unlist(entry: Entry): void {
    const list = this.byAccount.get(entry.node.accountId)
    if (list === undefined) return
    const i = list.indexOf(entry)
    if (i >= 0) list.splice(i, 1)
    if (list.length === 0) this.byAccount.delete(entry.node.accountId)
  }
}
