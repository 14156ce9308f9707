import {
  classifyUpstreamOutcome,
  type Clock,
  type NodeConfig,
  type NodeHealthMachine,
  type ProbeSchedule,
  type ProbeTask,
  type TransitionEvent,
} from '@qcc/core'
import type { Store } from '@qcc/store'
import type { EventBus } from '../events/bus'
import type { Logger } from '../observability/logger'
import type { NodeDirectory } from '../routing/node-directory'
import type { probeNode } from './probes'

/**
 * Asks whether this replica runs a due probe: true to probe, false when another replica has it
 * for this interval (a lease in Redis, redis/probe-lease.ts). `intervalMs` is the schedule's
 * interval for that kind of probe.
 */
export type ProbeClaim = (
  nodeId: string,
  kind: ProbeTask['kind'],
  intervalMs: number,
) => Promise<boolean>

export interface HealthSchedulerDeps {
  machine: NodeHealthMachine
  schedule: ProbeSchedule
  directory: Pick<NodeDirectory, 'node' | 'apiKey'>
  store: Pick<Store, 'recordHealthCheck'>
  bus: EventBus
  clock: Clock
  log: Logger
  /** Runs one probe (`probeNode` with its I/O bound in). */
  probe: (node: NodeConfig, apiKey: string | null) => ReturnType<typeof probeNode>
  onTransition: (event: TransitionEvent) => void
  cooldownMaxMs: number
  /** How often the scheduler looks for due work. */
  tickMs?: number
  /**
   * Shares probes between replicas (docs/contract.md §11); absent: this replica probes every due
   * node (one replica, or no Redis). Can also be set later with {@link HealthScheduler.useClaim}.
   */
  claim?: ProbeClaim
}

/**
 * Drives core's probe schedule on a timer: recovery probes for failed nodes, a light sweep of
 * all, cooldown expiry. Probes are health checks, not tenant usage; each is kept in the health
 * history and shown live in the console.
 */
export class HealthScheduler {
  private timer: NodeJS.Timeout | undefined
  private readonly running = new Set<string>()
  private claim: ProbeClaim | undefined

  constructor(private readonly deps: HealthSchedulerDeps) {
    this.claim = deps.claim
  }

  /**
   * Shares probes through `claim` from now on (the composition root builds the Redis link after
   * the scheduler); undefined goes back to probing every due node.
   */
  useClaim(claim: ProbeClaim | undefined): void {
    this.claim = claim
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.deps.tickMs ?? 1000)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  /** One pass: expire cooldowns, then start every probe that is due (one per node at a time). */
  async tick(): Promise<void> {
    const { machine, schedule, clock } = this.deps
    for (const event of machine.expireCooldowns()) this.deps.onTransition(event)
    const tasks = schedule.due(machine.entries(), clock.now())
    await Promise.all(tasks.filter((t) => !this.running.has(t.nodeId)).map((t) => this.probeOne(t)))
  }

  private async probeOne({ nodeId, kind, intervalMs }: ProbeTask): Promise<void> {
    const { machine, directory, clock } = this.deps
    const entry = machine.get(nodeId)
    if (!entry) return
    this.running.add(nodeId)
    try {
      // Another replica has this probe for the interval: the schedule already moved the task on,
      // so it is done here, and its result arrives with the node state in the store. A claim that
      // cannot reach Redis answers true (redis/probe-lease.ts): a probe too many beats none.
      if (this.claim && !(await this.claimed(nodeId, kind, intervalMs))) return
      const apiKey = directory.node(nodeId)?.hasApiKey ? await directory.apiKey(nodeId) : null
      const result = await this.deps.probe(entry.node, apiKey)
      const effect = classifyUpstreamOutcome(result.outcome, {
        now: clock.now(),
        cooldownMaxMs: this.deps.cooldownMaxMs,
      })
      const event = machine.recordProbe(nodeId, effect)
      if (event) this.deps.onTransition(event)
      const at = new Date(clock.now())
      await this.deps.store
        .recordHealthCheck({
          nodeId,
          accountId: entry.node.accountId,
          ok: result.ok,
          latencyMs: Math.round(result.latencyMs),
          status: result.status,
          // docs/contract.md §9's form only (status, class, an Anthropic error's type and redacted message).
          error: result.error,
          method: entry.node.healthCheckMethod,
          source: kind,
          at,
        })
        .catch((err: unknown) => this.deps.log.warn({ err }, 'health check not recorded'))
      this.deps.bus.publish({
        type: 'health.check',
        accountId: entry.node.accountId,
        data: {
          node_id: nodeId,
          account_id: entry.node.accountId,
          ok: result.ok,
          latency_ms: Math.round(result.latencyMs),
          error: result.error,
          at: at.toISOString(),
        },
      })
    } catch (err) {
      this.deps.log.warn({ err, node: nodeId }, 'probe failed to run')
    } finally {
      this.running.delete(nodeId)
    }
  }

  /** A claim that throws counts as won: the probe is never lost to a bug in the claim. */
  private async claimed(nodeId: string, kind: ProbeTask['kind'], intervalMs: number) {
    try {
      return (await this.claim?.(nodeId, kind, intervalMs)) ?? true
    } catch (err) {
      this.deps.log.warn({ err, node: nodeId }, 'probe claim failed; probing anyway')
      return true
    }
  }
}
