/**
 * Per-account overrides of the proxy's env settings. `null` means "unset: use the env value,
 * read live".
 */
export interface AccountSettings {
  /** Retries before giving up (`PROXY_RETRY_MAX` when null). */
  retries: number | null
  /** Consecutive failures that fail a node (`PROXY_FAIL_THRESHOLD` when null). */
  failLimit: number | null
  /** Probe interval in seconds, 1 to 3600 (`PROXY_HEALTH_INTERVAL_SEC` when null). */
  healthIntervalSec: number | null
  /** Sticky-session TTL in seconds (proxy default when null). */
  stickyTtlSec: number | null
}

/** A tenant (or an admin). Never carries the password hash. */
export interface Account {
  id: string
  /** Unique, case-sensitive. */
  name: string
  isAdmin: boolean
  disabled: boolean
  createdAt: Date
  updatedAt: Date
  settings: AccountSettings
  /** Operator-activated node of this account, or null. Cleared when that node is deleted. */
  activeNodeId: string | null
}

/** Input of `createAccount`. */
export interface CreateAccountInput {
  name: string
  password: string
  /** Default false. */
  isAdmin?: boolean
  /** Default false. */
  disabled?: boolean
  /** Default: every field null. */
  settings?: Partial<AccountSettings>
}

/**
 * Patch of `updateAccount`; absent fields are kept. `settings` is merged field by field (a
 * field set to null is unset). A new password or `disabled: true` drops the account's sessions.
 */
export interface UpdateAccountInput {
  name?: string
  password?: string
  isAdmin?: boolean
  disabled?: boolean
  settings?: Partial<AccountSettings>
  activeNodeId?: string | null
}

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

/** A login session. The id is a bearer secret; the store keeps only its hash. */
export interface SessionRecord {
  id: string
  accountId: string
  createdAt: Date
  expiresAt: Date
}
