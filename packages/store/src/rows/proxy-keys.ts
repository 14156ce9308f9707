import type { StoreContext } from '../config'
import {
  displayPrefix,
  generateSecret,
  hashSecret,
  newId,
  PROXY_KEY_PREFIX,
} from '../crypto/tokens'
import { StoreError } from '../errors'
import type { ProxyKey } from '../types/proxy-keys'

/** A proxy-key row: the listed key plus the hash of its secret. */
export interface ProxyKeyRow extends ProxyKey {
  keyHash: string
}

/**
 * A new key row: the chosen secret (4 to 512 characters) or a generated one, stored as its hash
 * with a display prefix. @throws StoreError `invalid`
 */
export function newProxyKeyRow(
  ctx: StoreContext,
  accountId: string,
  name: string | null,
  chosen?: string,
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
  }
  return { row, secret }
}

/** The error of a chosen key whose hash another key already has. */
export function proxyKeyInUse(): StoreError {
  return new StoreError('conflict', 'this proxy key is already in use')
}

/** The key as listed (without its hash). */
export function toProxyKey({ keyHash: _, ...k }: ProxyKeyRow): ProxyKey {
  return { ...k }
}
