import { StoreError } from '../errors'
import type { SecretBox } from './secret-box'

/**
 * The origin (`scheme://host[:port]`, default ports dropped) a node key is bound to (docs/contract.md §9
 * "keys follow their URL"). @throws StoreError `invalid` for a URL that does not parse
 */
export function nodeKeyOrigin(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin
  } catch (cause) {
    throw new StoreError('invalid', 'baseUrl must be an http or https URL', { cause })
  }
}

/**
 * AAD of a sealed upstream key: its node and the origin of the node's URL, so a sealed key copied
 * to another node row, or left behind after the URL moved to another origin, fails to open.
 */
export const nodeKeyAad = (nodeId: string, baseUrl: string): string =>
  `node:${nodeId}:origin:${nodeKeyOrigin(baseUrl)}`

/** The AAD keys were sealed under before the origin was bound (re-sealed once at MySQL open). */
export const legacyNodeKeyAad = (nodeId: string): string => `node:${nodeId}`

/**
 * The sealed key a node row gets from an update: a new key (or none) when `apiKey` was given;
 * else the stored key, re-sealed when the URL's origin changes (the store is trusted with it:
 * the proxy only lets admins move a key to another origin).
 */
export function sealedKeyAfterUpdate(
  box: SecretBox,
  row: { id: string; baseUrl: string; sealed: string | null },
  patch: { baseUrl?: string; apiKey?: string | null },
): string | null {
  const nextUrl = patch.baseUrl ?? row.baseUrl
  if (patch.apiKey !== undefined) {
    return patch.apiKey ? box.seal(patch.apiKey, nodeKeyAad(row.id, nextUrl)) : null
  }
  if (row.sealed === null) return null
  const before = nodeKeyAad(row.id, row.baseUrl)
  const after = nodeKeyAad(row.id, nextUrl)
  return before === after ? row.sealed : box.seal(box.open(row.sealed, before), after)
}

/**
 * AAD of a node's sealed extra headers (docs/contract.md §13): bound to the node and its origin
 * like the key, under another purpose so a sealed key and sealed headers cannot stand in for
 * each other.
 */
export const nodeHeadersAad = (nodeId: string, baseUrl: string): string =>
  `${nodeKeyAad(nodeId, baseUrl)}:extra-headers`

/** `sealed` opened under `before` and re-sealed under `after`; as it is when they are equal. */
export function resealed(box: SecretBox, sealed: string, before: string, after: string): string {
  return before === after ? sealed : box.seal(box.open(sealed, before), after)
}
