import type { NodeStatus } from '@qcc/core'

/** Persisted runtime state of a node, versioned for compare-and-set. */
export interface NodeStateRecord {
  nodeId: string
  status: NodeStatus
  coolingUntil: Date | null
  /** At most 1000 characters are kept. */
  failReason: string | null
  consecutiveFailures: number
  lastFailureAt: Date | null
  lastSuccessAt: Date | null
  lastProbeAt: Date | null
  /** Starts at 0 for a node without stored state; each successful CAS adds 1. */
  version: number
}

/** The fields a compare-and-set writes. */
export type NodeStateInput = Omit<NodeStateRecord, 'nodeId' | 'version'>
