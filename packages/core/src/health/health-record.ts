import type { NodeEffect } from '../classify/classify'
import type { EpochMs, NodeHealth, NodeStatus } from '../types'

/** The part of a decision the machine needs (an `OutcomeDecision` fits). */
export interface HealthEffect {
  readonly nodeEffect: NodeEffect
  readonly cooldownUntil?: EpochMs | undefined
  /** Reason code, e.g. `auth_failed`. */
  readonly reason: string
  readonly detail?: string | undefined
}

/** Persisted fields of a node's health, as restored from the store. */
export type PersistedHealth = Partial<Omit<NodeHealth, 'inFlight'>>

/** A fresh, healthy state (or `disabled` for a disabled node). */
export function initialHealth(disabled = false): NodeHealth {
  return {
    status: disabled ? 'disabled' : 'healthy',
    coolingUntil: null,
    failReason: null,
    consecutiveFailures: 0,
    lastFailureAt: null,
    lastSuccessAt: null,
    lastProbeAt: null,
    inFlight: 0,
  }
}

/**
 * The status to show for a node at `now`: a `cooling` node whose cooldown is over shows as
 * `healthy` even before `NodeHealthMachine.expireCooldowns` ran.
 *
 * @example
 * ```ts
 * effectiveStatus({ ...initialHealth(), status: 'cooling', coolingUntil: 5 }, 10) // 'healthy'
 * ```
 */
export function effectiveStatus(health: NodeHealth, now: EpochMs): NodeStatus {
  if (health.status !== 'cooling') return health.status
  return health.coolingUntil === null || health.coolingUntil <= now ? 'healthy' : 'cooling'
}
