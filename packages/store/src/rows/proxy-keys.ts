import type { StoreContext } from '../config'
import {
  displayPrefix,
  generateSecret,
  hashSecret,
  newId,
  PROXY_KEY_PREFIX,
} from '../crypto/tokens'
import { isStoreError, StoreError } from '../errors'
import type { ProxyKey, ResolvedProxyKey, UpdateProxyKeyInput } from '../types/proxy-keys'
import { checkLimits, NO_LIMITS, patchLimits } from './limits'

/** A proxy-key row: the listed key plus the hash of its secret. */
export interface ProxyKeyRow extends ProxyKey {
  keyHash: string
}

/** What a new key carries besides its account. */
export interface NewProxyKey {
  name: string | null
  /** Checked already (see {@link checkLimits}); a rotated key's successor copies its limits. */
  limits: ProxyKey['limits']
  chosen?: string
}

/** A key name: null, or at most 128 characters. @throws StoreError `invalid` */
export function checkKeyName(name: unknown): string | null {
  if (name === null || name === undefined) return null
  if (typeof name !== 'string' || name.length > 128) {
    throw new StoreError('invalid', 'name must be a string of at most 128 characters')
  }
  return name
}

/** The limits of `createProxyKey`'s input, checked. @throws StoreError `invalid` */
export function newKeyLimits(limits: unknown): ProxyKey['limits'] {
  return limits === undefined || limits === null ? NO_LIMITS : checkLimits(limits)
}

/**
 * A new key row: the chosen secret (4 to 512 characters) or a generated one, stored as its hash
 * with a display prefix. Its first use is its own: a rotated key's successor starts unused.
 * @throws StoreError `invalid`
 */
export function newProxyKeyRow(
  ctx: StoreContext,
  accountId: string,
  { name, limits, chosen }: NewProxyKey,
): { row: ProxyKeyRow; secret: string } {
  const secret = chosen ?? generateSecret(PROXY_KEY_PREFIX)
  if (typeof secret !== 'string' || secret.length < 4 || secret.length > 512) {
    throw new StoreError('invalid', 'a proxy key must be 4 to 512 characters')
  }
  const row: ProxyKeyRow = {
    id: newId(),
    accountId,
    name,
    prefix: displayPrefix(secret),
    keyHash: hashSecret(secret, ctx.pepper),
    createdAt: ctx.now(),
    revokedAt: null,
    lastUsedAt: null,
    limits,
    firstUsedAt: null,
  }
  return { row, secret }
}

/** The column changes of `updateProxyKey`, checked against the current row. @throws StoreError `invalid` */
export function proxyKeyChanges(
  current: Pick<ProxyKey, 'limits'>,
  input: UpdateProxyKeyInput,
): { name?: string | null; limits?: ProxyKey['limits'] } {
  if (typeof input !== 'object' || input === null) {
    throw new StoreError('invalid', 'updateProxyKey needs an object')
  }
  const out: { name?: string | null; limits?: ProxyKey['limits'] } = {}
  if (input.name !== undefined) out.name = checkKeyName(input.name)
  if (input.limits !== undefined) out.limits = patchLimits(current.limits, input.limits)
  return out
}

/** A first-use time to record. @throws StoreError `invalid` */
export function checkFirstUse(at: unknown): Date {
  if (!(at instanceof Date) || !Number.isFinite(at.getTime())) {
    throw new StoreError('invalid', 'markProxyKeyFirstUse needs a valid Date')
  }
  return new Date(at.getTime())
}

/** What the key index holds for one live key (limits shared, frozen). */
export function resolvedKey(
  key: Pick<ProxyKey, 'id' | 'accountId' | 'limits' | 'firstUsedAt'>,
  accountLimits: ProxyKey['limits'],
): ResolvedProxyKey {
  return {
    accountId: key.accountId,
    keyId: key.id,
    keyLimits: key.limits,
    accountLimits,
    firstUsedAt: key.firstUsedAt ? key.firstUsedAt.getTime() : null,
  }
}

/** The error of a chosen key whose hash another key already has. */
const KEY_IN_USE = 'this proxy key is already in use'

export function proxyKeyInUse(): StoreError {
  return new StoreError('conflict', KEY_IN_USE)
}

/** True for the conflict of a chosen proxy key already in use (not, say, a taken name). */
export function isProxyKeyInUse(error: unknown): boolean {
  return isStoreError(error, 'conflict') && error.message === KEY_IN_USE
}

/** The key as listed (without its hash). */
export function toProxyKey({ keyHash: _, ...k }: ProxyKeyRow): ProxyKey {
  return { ...k, firstUsedAt: k.firstUsedAt ? new Date(k.firstUsedAt) : null }
}
