import type { AccountSettings, Limits, StickyPolicy } from '@qcc/core'
import type { StoreContext } from '../config'
import { isWeakerThan, scryptParamsOf } from '../crypto/password'
import { newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { Account, CreateAccountInput, UpdateAccountInput } from '../types/accounts'
import { checkName } from './fields'
import { NO_LIMITS, patchLimits } from './limits'

/** The numeric overrides (bounded by {@link SETTING_BOUNDS}). */
type NumericSetting = Exclude<keyof AccountSettings, 'stickyPolicy'>

/** An account's overrides as kept: every field present, null when unset. */
export type StoredSettings = { -readonly [K in NumericSetting]-?: number | null } & {
  stickyPolicy: StickyPolicy | null
}

/** An account row: the public record plus its password hash. */
export interface AccountRow extends Account {
  passwordHash: string
}

/** Every setting unset. */
export const EMPTY_SETTINGS: Readonly<StoredSettings> = Object.freeze({
  retryMax: null,
  failThreshold: null,
  healthIntervalMs: null,
  stickyTtlMs: null,
  stickyPolicy: null,
  stickyBreakTtfbMs: null,
})

/**
 * Bounds of each override, with the step a value must be a multiple of: the times are kept in
 * whole seconds by the database, so an override in milliseconds must be a whole second.
 */
const SETTING_BOUNDS: Record<NumericSetting, { min: number; max: number; step: number }> = {
  retryMax: { min: 0, max: 100, step: 1 },
  failThreshold: { min: 1, max: 1000, step: 1 },
  healthIntervalMs: { min: 1000, max: 3_600_000, step: 1000 },
  stickyTtlMs: { min: 0, max: 30 * 86_400_000, step: 1000 },
  // 0 is kept apart from null: "never", even when the process sets a limit (docs/contract.md §13).
  stickyBreakTtfbMs: { min: 0, max: 600_000, step: 1 },
}

const STICKY_POLICIES: readonly StickyPolicy[] = ['cache_first', 'cost_first']

/** Merges a settings patch, checking bounds. @throws StoreError `invalid` */
export function mergeSettings(
  base: Readonly<StoredSettings>,
  patch: AccountSettings | undefined,
): StoredSettings {
  const out = { ...base }
  const policy = patch?.stickyPolicy
  if (policy !== undefined) {
    if (policy !== null && !STICKY_POLICIES.includes(policy)) {
      throw new StoreError(
        'invalid',
        `settings.stickyPolicy must be ${STICKY_POLICIES.join(' or ')}`,
      )
    }
    out.stickyPolicy = policy
  }
  for (const key of Object.keys(SETTING_BOUNDS) as NumericSetting[]) {
    const v = patch?.[key]
    if (v === undefined) continue
    const { min, max, step } = SETTING_BOUNDS[key]
    const valid = typeof v === 'number' && Number.isInteger(v / step) && v >= min && v <= max
    if (v !== null && !valid) {
      const unit = step === 1 ? 'an integer' : `a multiple of ${step}`
      throw new StoreError('invalid', `settings.${key} must be ${unit} from ${min} to ${max}`)
    }
    out[key] = v
  }
  return out
}

const invalidPassword = () =>
  new StoreError('invalid', 'password must be a string of 1 to 1024 characters')

/** A password of 1 to 1024 characters (policy such as a minimum length is the proxy's). */
export function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length === 0 || password.length > 1024) {
    throw invalidPassword()
  }
  return password
}

/**
 * What an account without a password stores: not a hash of anything (as `!` in /etc/shadow),
 * so no password verifies against it; checking one still costs a dummy hash (PasswordHasher).
 */
export const NO_PASSWORD_HASH = '!'

/**
 * The stored hash of a create or update input: `password` hashed at the store's cost, or a
 * well-formed `passwordHash` as given (docs/contract.md §14.1: the import hashes at its own
 * cost); undefined when neither is given. @throws StoreError `invalid` for both, or a bad one
 */
export async function passwordHashOf(
  ctx: StoreContext,
  input: { password?: unknown; passwordHash?: unknown },
): Promise<string | undefined> {
  if (input.passwordHash === undefined) {
    if (input.password === null) return NO_PASSWORD_HASH
    return input.password === undefined
      ? undefined
      : ctx.passwords.hash(checkPassword(input.password))
  }
  if (input.password !== undefined) {
    throw new StoreError('invalid', 'give password or passwordHash, not both')
  }
  if (scryptParamsOf(input.passwordHash) === null) {
    throw new StoreError('invalid', 'passwordHash must be a hash from hashPassword (scrypt$...)')
  }
  return input.passwordHash as string
}

/**
 * A new hash of `password` at the store's cost when `stored` (which it just matched) was made
 * at a lower one, as imported hashes are (docs/contract.md §14.1); else null.
 */
export async function upgradedHash(
  ctx: StoreContext,
  stored: string,
  password: string,
): Promise<string | null> {
  const params = scryptParamsOf(stored)
  if (!params || !isWeakerThan(params, ctx.passwords.params)) return null
  return ctx.passwords.hash(password)
}

/**
 * After a successful login: stores {@link upgradedHash} through `save` when there is one. A
 * failure is swallowed: the login stands, and the next one tries again.
 */
export async function upgradeAfterLogin(
  ctx: StoreContext,
  stored: string,
  password: string,
  save: (next: string) => Promise<unknown>,
): Promise<void> {
  try {
    const next = await upgradedHash(ctx, stored, password)
    if (next !== null) await save(next)
  } catch {
    // Nothing to do: the old hash still verifies.
  }
}

/** The error of a name that another account holds (names are unique regardless of case). */
export function accountNameTaken(name: string): StoreError {
  return new StoreError('conflict', `account name "${name}" is taken`)
}

/** A new account row from checked input, its password hashed. @throws StoreError `invalid` */
export async function newAccountRow(
  ctx: StoreContext,
  input: CreateAccountInput,
): Promise<AccountRow> {
  const name = checkName(input.name, 'name')
  const passwordHash = await passwordHashOf(ctx, input)
  // Neither given: the same error as a missing password always gave.
  if (passwordHash === undefined) throw invalidPassword()
  const now = ctx.now()
  return {
    id: newId(),
    name,
    passwordHash,
    isAdmin: input.isAdmin ?? false,
    disabled: input.disabled ?? false,
    createdAt: now,
    updatedAt: now,
    settings: mergeSettings(EMPTY_SETTINGS, input.settings),
    activeNodeId: null,
    limits: NO_LIMITS,
  }
}

/** The column changes of an account patch, checked (settings are merged by the adapter). */
export interface AccountChanges {
  name?: string
  passwordHash?: string
  isAdmin?: boolean
  disabled?: boolean
}

/** Checks an account patch and hashes a new password. @throws StoreError `invalid` */
export async function accountChanges(
  ctx: StoreContext,
  patch: UpdateAccountInput,
): Promise<AccountChanges> {
  const out: AccountChanges = {}
  if (patch.name !== undefined) out.name = checkName(patch.name, 'name')
  const passwordHash = await passwordHashOf(ctx, patch)
  if (passwordHash !== undefined) out.passwordHash = passwordHash
  if (patch.isAdmin !== undefined) out.isAdmin = Boolean(patch.isAdmin)
  if (patch.disabled !== undefined) out.disabled = Boolean(patch.disabled)
  return out
}

/**
 * The account's limits after a patch (docs/contract.md §10), or undefined when the patch leaves
 * them alone. @throws StoreError `invalid` naming the field
 */
export function patchAccountLimits(current: Limits, patch: UpdateAccountInput): Limits | undefined {
  return patch.limits === undefined ? undefined : patchLimits(current, patch.limits)
}

/** The account as returned: the row without its hash, settings copied. */
export function toAccount({ passwordHash: _, ...a }: AccountRow): Account {
  return { ...a, settings: { ...a.settings } }
}

/** The error of an active node that is not one of the account's own. */
export function foreignActiveNode(): StoreError {
  return new StoreError('invalid', 'activeNodeId must be a node of this account')
}
