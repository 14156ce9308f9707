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
}

/** Input of `createProxyKey`. */
export interface CreateProxyKeyInput {
  accountId: string
  name?: string | null
  /** A key chosen by an admin (as the seed README's curl does); generated when absent. */
  key?: string
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
}
