import type { ResolvedProxyKey } from './types/proxy-keys'
import { hashSecret } from './crypto/tokens'

/** How many resolved secrets `resolve` remembers (more tenants' keys than any replica sees). */
const RECENT_MAX = 4096

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
  /**
   * Secrets seen recently and what they resolved to: the keyed hash costs about 4 µs, a few
   * percent of a whole proxied request. Cleared with every `replace`, so it is never staler than
   * the index; bounded, and it never holds a secret that did not resolve (so random keys cannot
   * fill it).
   */
  #recent = new Map<string, ResolvedProxyKey>()
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
    this.#recent = new Map()
  }

  /** Looks a secret up by its hash. */
  resolve(secret: string): ResolvedProxyKey | null {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 512) return null
    let hit = this.#recent.get(secret)
    if (!hit) {
      hit = this.#byHash.get(this.hash(secret))
      if (!hit) return null
      if (this.#recent.size >= RECENT_MAX) this.#recent.clear()
      this.#recent.set(secret, hit)
    }
    return { ...hit }
  }

  get size(): number {
    return this.#byHash.size
  }
}
