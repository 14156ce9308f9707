import type { Limits, LimitsPatch } from '@qcc/core'

/** A proxy API key as listed; the secret itself is shown only once, at creation or rotation. */
export interface ProxyKey {
  id: string
  accountId: string
  name: string | null
  /** At most the first 8 characters of the key (fewer for short keys). */
  prefix: string
  createdAt: Date
  revokedAt: Date | null
  /** Last request seen with this key, updated when its usage is flushed. */
  lastUsedAt: Date | null
  /** The key's own limits (docs/contract.md §10); `{}` when it has none. */
  limits: Limits
  /** The key's first request (starts `expires_after_first_use_days`); null before it. */
  firstUsedAt: Date | null
}

/** Input of `createProxyKey`. */
export interface CreateProxyKeyInput {
  accountId: string
  name?: string | null
  /** A key chosen by an admin (as the seed README's curl does); generated when absent. */
  key?: string
  /** Default: none. */
  limits?: Limits
}

/**
 * Patch of `updateProxyKey`; absent fields are kept. `limits` merges field by field (a field set
 * to null removes that limit); `limits: null` removes them all.
 */
export interface UpdateProxyKeyInput {
  name?: string | null
  limits?: LimitsPatch | null
}

/** A proxy key together with its secret, returned once. */
export interface ProxyKeyWithSecret {
  key: ProxyKey
  secret: string
}

/** What `resolveProxyKey` answers for a live key of an enabled account. */
export interface ResolvedProxyKey {
  accountId: string
  keyId: string
  /** The key's limits and its account's, as the in-memory index holds them (`{}` for none). */
  keyLimits: Limits
  accountLimits: Limits
  /** Epoch ms of the key's first request, or null before it (see `markProxyKeyFirstUse`). */
  firstUsedAt: number | null
}
