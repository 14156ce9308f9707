import type { AccountSettings, Limits, LimitsPatch } from '@qcc/core'

/** A tenant (or an admin). Never carries the password hash. */
export interface Account {
  id: string
  /** Unique, case-sensitive. */
  name: string
  isAdmin: boolean
  disabled: boolean
  createdAt: Date
  updatedAt: Date
  /**
   * The tenant's overrides of the proxy's env settings, in core's names and units; `null` means
   * unset (the env value applies, read live).
   */
  settings: Required<AccountSettings>
  /** Operator-activated node of this account, or null. Cleared when that node is deleted. */
  activeNodeId: string | null
  /** Limits binding all the account's keys together (docs/contract.md §10); `{}` for none. */
  limits: Limits
}

/** Input of `createAccount`. */
export interface CreateAccountInput {
  name: string
  password: string
  /** Default false. */
  isAdmin?: boolean
  /** Default false. */
  disabled?: boolean
  /** Default: every field null. Times are whole seconds (the database keeps seconds). */
  settings?: AccountSettings
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
  settings?: AccountSettings
  activeNodeId?: string | null
  /** Merged field by field (a null field removes that limit); `null` removes them all. */
  limits?: LimitsPatch | null
}
