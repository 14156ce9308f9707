import type { ResolvedProxyKey } from './types/proxy-keys'
import { hashSecret } from './crypto/tokens'

/** How many resolved secrets `resolve` remembers (more tenants' keys than any replica sees). */
const RECENT_MAX = 4096

/** One live key as loaded into the index. */
export interface KeyIndexEntry extends ResolvedProxyKey {
  hash: string
}

/**
 * In-memory map from proxy-key hash to key id, with the key's and its account's limits and its
 * first use (docs/contract.md §10), so resolving a key on the request path needs no database
 * round trip. Holds only live keys of enabled accounts; the adapters replace it whole after any
 * change (their own, or another replica's seen through the change version), so a revoked or
 * rotated key can never fall back to a stale entry, except a new key, which is added in place. A key's first use is patched in place
 * ({@link ProxyKeyIndex.setFirstUse}): it only ever goes from null to a time.
 */
export class ProxyKeyIndex {
  #byHash = new Map<string, ResolvedProxyKey>()
  /** Hash of each key id in `#byHash`, for patching one entry. */
  #hashById = new Map<string, string>()
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

  /** Replaces the whole index. The entries' limits must not change afterwards (they are shared). */
  replace(entries: Iterable<KeyIndexEntry>): void {
    const next = new Map<string, ResolvedProxyKey>()
    const ids = new Map<string, string>()
    for (const { hash, ...resolved } of entries) {
      next.set(hash, resolved)
      ids.set(resolved.keyId, hash)
    }
    this.#byHash = next
    this.#hashById = ids
    this.#recent = new Map()
  }

  /**
   * Adds a key created just now (no reload: at fleet size a reload per new key made creating
   * thousands of tenants quadratic). A key its account could not use (disabled) is not added.
   */
  add(entry: KeyIndexEntry): void {
    const { hash, ...resolved } = entry
    this.#byHash.set(hash, resolved)
    this.#hashById.set(resolved.keyId, hash)
  }

  /** Records a key's first use when the index has none for it yet (an unknown key is ignored). */
  setFirstUse(keyId: string, atMs: number): void {
    const hash = this.#hashById.get(keyId)
    const entry = hash === undefined ? undefined : this.#byHash.get(hash)
    if (hash === undefined || !entry || entry.firstUsedAt !== null) return
    this.#byHash.set(hash, { ...entry, firstUsedAt: atMs })
    // The recent cache holds the old entry object: start it afresh (as `replace` does).
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
