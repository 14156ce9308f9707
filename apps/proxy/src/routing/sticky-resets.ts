import type { StickyBindings } from '@qcc/core'
import type { NodeRecord } from '@qcc/store'

/**
 * `POST /admin/api/nodes/unstick` on any replica (docs/contract.md §13) reaches every replica
 * through the node's stored `unstuck_at`: when a reload shows it moved, this replica drops its
 * own bindings to the node. The first sight of a node only records it (a process that just
 * started holds no bindings).
 */
export class StickyResets {
  private readonly seen = new Map<string, number>()

  constructor(private readonly sticky: Pick<StickyBindings, 'unbindNode'>) {}

  /** Looks at freshly loaded nodes; unbinds those unstuck since the last look. */
  apply(nodes: readonly NodeRecord[]): void {
    for (const node of nodes) {
      const at = node.unstuckAt?.getTime() ?? 0
      const before = this.seen.get(node.id)
      this.seen.set(node.id, at)
      if (before !== undefined && at > before) this.sticky.unbindNode(node.id)
    }
  }
}
