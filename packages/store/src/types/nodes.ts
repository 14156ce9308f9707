import type { AuthHeaderMode, ErrorRule, HealthCheckMethod } from '@qcc/core'

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
  /** How the key is sent (docs/contract.md §13); default `x-api-key`. */
  authHeader: AuthHeaderMode
  /** Requested model ids the node serves (trailing `*` allowed); null: every model. */
  models: string[] | null
  /** `{requested: upstream}` rewrites (trailing `*` on the left allowed); null: none. */
  modelMap: Record<string, string> | null
  /** Matched in order before the built-in classification; default none. */
  errorRules: ErrorRule[]
  /** A failed request is not retried on another node. Default false. */
  noFailover: boolean
  /** Tool definitions are sent with only name, description and input_schema. Default false. */
  stripToolFields: boolean
  /** The node's own sticky-session TTL in ms (whole seconds); null: the account's. */
  stickyTtlMs: number | null
  /** Names of the extra headers; their values are sealed (see `getNodeExtraHeaders`). */
  extraHeaderNames: string[]
  /**
   * Last `POST /admin/api/nodes/unstick` (docs/contract.md §13), null when never: a replica that
   * sees it move drops its sticky bindings to the node.
   */
  unstuckAt: Date | null
  createdAt: Date
  updatedAt: Date
}

/** The node policy fields of an input (docs/contract.md §13); absent ones default or are kept. */
export interface NodePolicyInput {
  authHeader?: AuthHeaderMode
  /** Sent with every call to the node; stored sealed. null or `{}`: none. */
  extraHeaders?: Record<string, string> | null
  models?: string[] | null
  modelMap?: Record<string, string> | null
  errorRules?: ErrorRule[]
  noFailover?: boolean
  stripToolFields?: boolean
  stickyTtlMs?: number | null
}

/** Input of `createNode`. */
export interface CreateNodeInput extends NodePolicyInput {
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
export type UpdateNodeInput = Partial<Omit<CreateNodeInput, 'accountId'>> & {
  /** When the node's bindings were dropped (the unstick route sets it to now). */
  unstuckAt?: Date
}

/** Filter of `listNodes`. */
export interface NodeFilter {
  accountId?: string
}

/** One node's sealed value as a bulk read found it (`getNodeApiKeys`). */
export type NodeSecretRead<T> = { ok: true; value: T | null } | { ok: false; error: unknown }
