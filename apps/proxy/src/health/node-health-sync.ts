import type { NodeHealthMachine, TransitionEvent } from '@qcc/core'
import type { NodeRecord, Store } from '@qcc/store'
import type { Logger } from '../observability/logger'
import { toNodeConfig, toPersisted, toStateInput } from './store-records'

/**
 * Keeps core's health machine and the store in step. A transition is persisted with a
 * compare-and-set, so across replicas exactly one announces it; the others catch up from the
 * store without an event. Node state therefore survives restarts.
 */
export class NodeHealthSync {
  private readonly versions = new Map<string, number>()
  private readonly queues = new Map<string, Promise<void>>()

  constructor(
    private readonly store: Store,
    private readonly machine: NodeHealthMachine,
    /** Called once per transition this replica won. */
    private readonly announce: (event: TransitionEvent) => void,
    private readonly log: Logger,
  ) {}

  /** Brings the machine in line with the configured nodes and their stored states. */
  async sync(nodes: readonly NodeRecord[]): Promise<void> {
    const states = new Map((await this.store.getNodeStates()).map((s) => [s.nodeId, s]))
    const seen = new Set<string>()
    for (const node of nodes) {
      seen.add(node.id)
      const stored = states.get(node.id)
      if (!this.machine.get(node.id)) {
        this.machine.upsert(toNodeConfig(node), stored ? toPersisted(stored) : undefined)
        this.versions.set(node.id, stored?.version ?? 0)
        continue
      }
      if (stored && stored.version > (this.versions.get(node.id) ?? 0)) {
        this.machine.restore(node.id, toPersisted(stored))
        this.versions.set(node.id, stored.version)
      }
      // Enabling or disabling a node in the config is itself a transition.
      const event = this.machine.upsert(toNodeConfig(node))
      if (event) this.onTransition(event)
    }
    for (const entry of [...this.machine.entries()]) {
      if (!seen.has(entry.node.id)) {
        this.machine.remove(entry.node.id)
        this.versions.delete(entry.node.id)
      }
    }
  }

  /**
   * Brings one account's part of the machine in line with its configured nodes (this replica's
   * own admin change), without reading every node's stored state: a node new to this replica
   * starts from its stored state version 0, and the next whole {@link sync} restores any newer
   * state another replica wrote (a CAS against version 0 fails before that and restores it too).
   * An enable or disable is the same single transition {@link sync} would emit.
   */
  syncAccount(accountId: string, nodes: readonly NodeRecord[]): void {
    const seen = new Set<string>()
    for (const node of nodes) {
      seen.add(node.id)
      if (!this.machine.get(node.id)) {
        this.machine.upsert(toNodeConfig(node))
        this.versions.set(node.id, 0)
        continue
      }
      const event = this.machine.upsert(toNodeConfig(node))
      if (event) void this.onTransition(event)
    }
    for (const entry of [...this.machine.pool(accountId)]) {
      if (!seen.has(entry.node.id)) {
        this.machine.remove(entry.node.id)
        this.versions.delete(entry.node.id)
      }
    }
  }

  /** Persists a transition (in order per node) and announces it when this replica won. */
  onTransition(event: TransitionEvent): Promise<void> {
    const previous = this.queues.get(event.nodeId) ?? Promise.resolve()
    const next = previous
      .then(() => this.persist(event))
      .catch((err: unknown) => this.log.warn({ err, node: event.nodeId }, 'node state not saved'))
    this.queues.set(event.nodeId, next)
    return next
  }

  /** Waits for every pending write (shutdown). */
  async flush(): Promise<void> {
    await Promise.all(this.queues.values())
  }

  private async persist(event: TransitionEvent): Promise<void> {
    const entry = this.machine.get(event.nodeId)
    if (!entry) return
    const expected = this.versions.get(event.nodeId) ?? 0
    if (
      await this.store.compareAndSetNodeState(event.nodeId, expected, toStateInput(entry.health))
    ) {
      this.versions.set(event.nodeId, expected + 1)
      this.announce(event)
      return
    }
    // Another replica wrote first: take its state, announce nothing.
    const stored = (await this.store.getNodeStates()).find((s) => s.nodeId === event.nodeId)
    if (stored) {
      this.machine.restore(event.nodeId, toPersisted(stored))
      this.versions.set(event.nodeId, stored.version)
    }
  }
}
