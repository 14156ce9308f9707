import { DEFAULTS } from '../config'
import { CoreError } from '../errors'
import type { EpochMs, PoolEntry, RandomSource } from '../types'

/** One probe to run now. */
export interface ProbeTask {
  readonly nodeId: string
  readonly accountId: string
  /** `recovery`: a failed node, every health interval. `sweep`: the light check of every node. */
  readonly kind: 'recovery' | 'sweep'
  /**
   * How often this kind of probe comes round for the node (before jitter): the health interval
   * for `recovery`, the sweep interval for `sweep`. Replicas sharing probes hold a lease for just
   * under it, so one probe per interval serves them all (docs/contract.md §11).
   */
  readonly intervalMs: number
}

/** Options of {@link ProbeSchedule}. */
export interface ProbeScheduleOptions {
  /** When the process started; the first sweep runs one sweep interval later. */
  readonly startedAt: EpochMs
  /** Spreads probe times so nodes (and replicas) never probe in step. */
  readonly random: RandomSource
  /** Recovery probe interval (`PROXY_HEALTH_INTERVAL_SEC`), or a tenant's own; default 30 000. */
  readonly intervalMs?: number | ((accountId: string) => number) | undefined
  /** Sweep interval (`PROXY_HEALTH_SWEEP_SEC`); default 300 000. */
  readonly sweepMs?: number | undefined
  /** Share of an interval added at random to each probe time; default 0.2. */
  readonly jitterRatio?: number | undefined
}

interface Slot {
  sweepAt: number
  recoveryAt: number | null
}

/**
 * Decides which probes are due at a time: pure bookkeeping, no timers. The proxy's scheduler calls
 * {@link ProbeSchedule.due} from one timer (every second, or at {@link ProbeSchedule.nextDueAt}),
 * runs the probes it returns, and feeds each result to `NodeHealthMachine.recordProbe`.
 *
 * - Failed nodes get a recovery probe one interval after they failed, then every interval, each
 *   time plus random jitter (never earlier, so a burst of failures does not probe in step).
 * - Every other enabled node gets a sweep, first one sweep interval after start, then every sweep
 *   interval (plus jitter). Failed nodes skip the sweep: recovery probes already cover them.
 * - Disabled nodes are never probed.
 *
 * @example
 * ```ts
 * const schedule = new ProbeSchedule({ startedAt: Date.now(), random: Math.random })
 * setInterval(() => {
 *   for (const task of schedule.due(health.entries(), Date.now())) void runProbe(task)
 * }, 1000)
 * ```
 */
export class ProbeSchedule {
  private readonly startedAt: number
  private readonly random: RandomSource
  private readonly interval: (accountId: string) => number
  private readonly sweepMs: number
  private readonly jitterRatio: number
  private readonly slots = new Map<string, Slot>()

  /** @throws CoreError `invalid_config` for non-positive intervals or negative jitter */
  constructor(options: ProbeScheduleOptions) {
    const interval = options.intervalMs ?? DEFAULTS.healthIntervalMs
    this.sweepMs = options.sweepMs ?? DEFAULTS.healthSweepMs
    this.jitterRatio = options.jitterRatio ?? DEFAULTS.probeJitterRatio
    if (
      (typeof interval === 'number' && !(interval > 0)) ||
      !(this.sweepMs > 0) ||
      !(this.jitterRatio >= 0)
    ) {
      throw new CoreError(
        'invalid_config',
        'probe intervals must be positive and jitter not negative',
      )
    }
    this.startedAt = options.startedAt
    this.random = options.random
    this.interval = typeof interval === 'number' ? () => interval : interval
  }

  /**
   * The probes due at `now`; each one returned is scheduled again, so it is returned once (a
   * replica that leaves a probe to another, under a lease, just drops the task: docs/contract.md §11).
   */
  due(pool: Iterable<PoolEntry>, now: EpochMs): ProbeTask[] {
    const tasks: ProbeTask[] = []
    for (const { node, health } of pool) {
      if (node.disabled || health.status === 'disabled') {
        this.slots.delete(node.id)
        continue
      }
      let slot = this.slots.get(node.id)
      if (slot === undefined) {
        slot = { sweepAt: this.later(this.startedAt, this.sweepMs), recoveryAt: null }
        this.slots.set(node.id, slot)
      }
      if (health.status === 'failed') {
        const interval = this.interval(node.accountId)
        if (slot.recoveryAt === null) {
          slot.recoveryAt = this.later(health.lastFailureAt ?? now, interval)
        }
        if (now >= slot.recoveryAt) {
          tasks.push({
            nodeId: node.id,
            accountId: node.accountId,
            kind: 'recovery',
            intervalMs: interval,
          })
          slot.recoveryAt = this.later(now, interval)
        }
        if (now >= slot.sweepAt) slot.sweepAt = this.later(now, this.sweepMs)
        continue
      }
      slot.recoveryAt = null
      if (now >= slot.sweepAt) {
        tasks.push({
          nodeId: node.id,
          accountId: node.accountId,
          kind: 'sweep',
          intervalMs: this.sweepMs,
        })
        slot.sweepAt = this.later(now, this.sweepMs)
      }
    }
    return tasks
  }

  /** The earliest scheduled probe among nodes seen so far, to arm a single timer. */
  nextDueAt(): EpochMs | undefined {
    let next: number | undefined
    for (const slot of this.slots.values()) {
      const at = slot.recoveryAt === null ? slot.sweepAt : Math.min(slot.sweepAt, slot.recoveryAt)
      if (next === undefined || at < next) next = at
    }
    return next
  }

  /** Forgets a deleted node. */
  forget(nodeId: string): void {
    this.slots.delete(nodeId)
  }

  private later(from: number, interval: number): number {
    return from + interval + Math.floor(this.random() * this.jitterRatio * interval)
  }
}
