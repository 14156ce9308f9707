import type { ResolvedProxyKey } from './types/accounts'
import { hashSecret } from './crypto/tokens'

/** One live key as loaded into the index. */
export interface KeyIndexEntry extends ResolvedProxyKey {
  hash: string
}

/**
 * In-memory map from proxy-key hash to key id, so resolving a key on the request path needs no
 * database round trip. Holds only live keys of enabled accounts; the adapters replace it whole
 * after any change (their own, or another replica's seen through the change version), so a
 * revoked or rotated key can never fall back to a stale entry.
 */
export class ProxyKeyIndex {
  #byHash = new Map<string, ResolvedProxyKey>()
  readonly #pepper: string | undefined

  constructor(pepper?: string) {
    this.#pepper = pepper
  }

  /** Hash of a secret as stored (same function the adapters use when writing). */
  hash(secret: string): string {
    return hashSecret(secret, this.#pepper)
  }

  /** Replaces the whole index. */
  replace(entries: Iterable<KeyIndexEntry>): void {
    const next = new Map<string, ResolvedProxyKey>()
    for (const e of entries) next.set(e.hash, { accountId: e.accountId, keyId: e.keyId })
    this.#byHash = next
  }

  /** Looks a secret up by its hash. */
  resolve(secret: string): ResolvedProxyKey | null {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 512) return null
    const hit = this.#byHash.get(this.hash(secret))
    return hit ? { ...hit } : null
  }

  get size(): number {
    return this.#byHash.size
  }
}
