/**
 * How many of its own change versions a store handle remembers. Polls read the version every
 * 2 s, so they ask about a few hundred at most; a version forgotten reads as foreign, which
 * costs one whole reload, never a missed change.
 */
const REMEMBERED_MAX = 65_536

/**
 * The change versions this store handle's own commits produced (each bump's new value, known
 * exactly from the bump itself). A poll that finds the version moved only by these has nothing
 * to reload: at fleet size reloading every key, account and node each poll while tenants are
 * created here made provisioning quadratic (`pnpm bench:provision`, apps/proxy/bench/README.md).
 */
export class OwnChangeVersions {
  readonly #versions = new Set<number>()

  /** Records a version one of this handle's commits produced (call after the commit). */
  add(version: number): void {
    this.#versions.add(version)
    // Oldest first: a Set iterates in insertion order, and versions are added as committed.
    if (this.#versions.size > REMEMBERED_MAX) {
      for (const old of this.#versions) {
        this.#versions.delete(old)
        break
      }
    }
  }

  /** True when every version in (`from`, `to`] is one of this handle's own. */
  onlyOwn(from: number, to: number): boolean {
    if (from < 0 || to < from || to - from > this.#versions.size) return false
    for (let v = from + 1; v <= to; v++) if (!this.#versions.has(v)) return false
    return true
  }
}
