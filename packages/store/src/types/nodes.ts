import type { HealthCheckMethod } from '@qcc/core'

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
   * Provisioned by an admin into another account, or from env at boot (docs/contract.md §9): its owner may
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
