/** How the health checker probes a node. */
export type HealthCheckMethod = 'api' | 'count_tokens' | 'head' | 'cli'

/** A configured upstream node. The upstream key is never part of it (see `getNodeApiKey`). */
export interface NodeRecord {
  id: string
  accountId: string
  /** Unique within the account; sent back as `x-qcc-node`. */
  name: string
  baseUrl: string
  hasApiKey: boolean
  /** Last 4 characters of the upstream key when it is at least 16 long, else null. */
  apiKeyHint: string | null
  /** Priority tier: lower is tried first (as in qcc_plus). Default 1. */
  weight: number
  disabled: boolean
  /** Default `api` with a key, `head` without. */
  healthCheckMethod: HealthCheckMethod
  healthCheckModel: string | null
  /** May use loopback/private addresses (saved by an admin or from env). */
  allowPrivate: boolean
  /**
   * Provisioned by an admin into another account, or from env at boot (SPEC 9): its owner may
   * rename, reweight, enable, disable and activate it, never repoint, rekey or delete it.
   */
  managed: boolean
  createdAt: Date
  updatedAt: Date
}

/** Input of `createNode`. */
export interface CreateNodeInput {
  accountId: string
  name: string
  baseUrl: string
  apiKey?: string | null
  weight?: number
  disabled?: boolean
  healthCheckMethod?: HealthCheckMethod
  healthCheckModel?: string | null
  allowPrivate?: boolean
  /** Default false. */
  managed?: boolean
}

/** Patch of `updateNode`; absent fields are kept, `apiKey: null` clears the key. */
export type UpdateNodeInput = Partial<Omit<CreateNodeInput, 'accountId'>>

/** Filter of `listNodes`. */
export interface NodeFilter {
  accountId?: string
}

/** Runtime status of a node as persisted. */
export type NodeStatus = 'healthy' | 'cooling' | 'failed' | 'disabled'

/** Persisted runtime state of a node, versioned for compare-and-set. */
export interface NodeStateRecord {
  nodeId: string
  status: NodeStatus
  coolingUntil: Date | null
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
