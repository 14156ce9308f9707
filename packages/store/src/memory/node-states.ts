import type { NodeStateStore } from '../interface'
import { nodeStateRow } from '../rows/node-states'
import type { Mem } from './state'

/** Node runtime state of the memory adapter: one process, so a CAS is a plain version check. */
export function memoryNodeStates(m: Mem): NodeStateStore {
  const { state } = m
  return {
    async getNodeStates() {
      return [...state.states.values()].map((s) => ({ ...s }))
    },
    async compareAndSetNodeState(nodeId, expectedVersion, next) {
      m.live()
      if (!state.nodes.has(nodeId)) return false
      const current = state.states.get(nodeId)?.version ?? 0
      if (current !== expectedVersion) return false
      state.states.set(nodeId, nodeStateRow(nodeId, next, expectedVersion + 1))
      m.changed()
      return true
    },
  }
}
