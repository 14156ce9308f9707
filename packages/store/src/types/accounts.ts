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

/**
 * The secret of a create or update: a `password` (hashed by the store), or a `passwordHash`
 * from `hashPassword` (a self-describing `scrypt$...` string, stored as given: the import hashes
 * at `IMPORT_SCRYPT`, docs/contract.md §14.1), never both. A hash cheaper than the store's cost
 * is re-hashed at it on the first successful `verifyPassword`. `password: null` creates an
 * account nobody can log in to until a password is set (it is used through its proxy keys):
 * nothing is hashed, so provisioning many tenants costs no scrypt each (docs/contract.md §6.1).
 */
export type PasswordInput =
  | { password: string | null; passwordHash?: undefined }
  | { passwordHash: string; password?: undefined }

/** Input of `createAccount`: the fields plus a password or a hash. */
export type CreateAccountInput = CreateAccountFields & PasswordInput

/** Input of `createAccount` besides the secret. */
export interface CreateAccountFields {
  name: string
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
  /** A new password; null removes it (no login until one is set again). */
  password?: string | null
  /**
   * A hash from `hashPassword` instead of `password` (see {@link PasswordInput}); with both,
   * StoreError `invalid`.
   */
  passwordHash?: string
  isAdmin?: boolean
  disabled?: boolean
  settings?: AccountSettings
  activeNodeId?: string | null
  /** Merged field by field (a null field removes that limit); `null` removes them all. */
  limits?: LimitsPatch | null
}
