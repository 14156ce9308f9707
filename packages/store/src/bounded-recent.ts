/**
 * The order in which keys were added, bounded: adding beyond `capacity` hands back the oldest key
 * so the caller can drop it from its own Map or Set.
 *
 * Why not evict with `map.keys().next()`: V8's Map and Set leave a hole for every deleted entry
 * until they are rehashed, and an iterator walks the holes. Evicting the oldest entry that way on
 * every insert costs O(entries deleted so far): measured at 20-60 µs per usage event once the
 * dedupe window (100,000 ids) was full, more than a whole proxied request. This ring is O(1).
 */
export class InsertionRing<K> {
  readonly #keys: Array<K | undefined>
  #next = 0
  #size = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('InsertionRing capacity must be a positive integer')
    }
    this.#keys = new Array<K | undefined>(capacity)
  }

  /** Records `key` as the newest; returns the key it pushed out, if the ring was full. */
  add(key: K): K | undefined {
    const evicted = this.#size === this.capacity ? this.#keys[this.#next] : undefined
    this.#keys[this.#next] = key
    this.#next = (this.#next + 1) % this.capacity
    if (this.#size < this.capacity) this.#size++
    return evicted
  }

  get size(): number {
    return this.#size
  }
}
