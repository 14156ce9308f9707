import {
  classifyUpstreamOutcome,
  type Clock,
  type NodeConfig,
  type NodeHealthMachine,
  type ProbeSchedule,
  type TransitionEvent,
} from '@qcc/core'
import type { Store } from '@qcc/store'
import type { EventBus } from '../events/bus'
import type { Logger } from '../observability/logger'
import type { NodeDirectory } from '../routing/node-directory'
import type { probeNode } from './probes'

export interface HealthSchedulerDeps {
  machine: NodeHealthMachine
  schedule: ProbeSchedule
  directory: NodeDirectory
  store: Store
  bus: EventBus
  clock: Clock
  log: Logger
  /** Runs one probe (`probeNode` with its I/O bound in). */
  probe: (node: NodeConfig, apiKey: string | null) => ReturnType<typeof probeNode>
  onTransition: (event: TransitionEvent) => void
  cooldownMaxMs: number
  /** How often the scheduler looks for due work. */
  tickMs?: number
}

/**
 * Drives core's probe schedule on a timer: recovery probes for failed nodes, a light sweep of
 * all, cooldown expiry. Probes are health checks, not tenant usage; each is kept in the health
 * history and shown live in the console.
 */
export class HealthScheduler {
  private timer: NodeJS.Timeout | undefined
  private readonly running = new Set<string>()

  constructor(private readonly deps: HealthSchedulerDeps) {}

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
    await Promise.all(
      tasks.filter((t) => !this.running.has(t.nodeId)).map((t) => this.probeOne(t.nodeId, t.kind)),
    )
  }

  private async probeOne(nodeId: string, kind: 'recovery' | 'sweep'): Promise<void> {
    const { machine, directory, clock } = this.deps
    const entry = machine.get(nodeId)
    if (!entry) return
    this.running.add(nodeId)
    try {
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
}
