/**
 * Read your writes (docs/contract.md §9): this replica's own admin changes reach its routing at once, and the
 * admin API answers a mutation only once they have. Each `config.changed` the mutation published
 * starts one account reload; the answer waits for the reloads started while it ran.
 */
export class LocalChanges {
  private started = 0
  private readonly pending = new Map<number, Promise<void>>()

  constructor(
    /** Applies one change (config-propagation.ts `refreshAccount`). */
    private readonly apply: (accountId: string | null) => Promise<void>,
    /** A failed reload is reported, never thrown: the change is committed, the poll retries it. */
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Starts applying a change of one account (`null`: installation-wide). */
  start(accountId: string | null): void {
    const n = ++this.started
    const applied = this.apply(accountId)
      .catch(this.onError)
      .finally(() => this.pending.delete(n))
    this.pending.set(n, applied)
  }

  /** Where the stream of changes is now; pass it to {@link settled} later. */
  position(): number {
    return this.started
  }

  /** Resolves once every change started after `position` is applied (at once when none was). */
  async settled(position: number): Promise<void> {
    const waits: Promise<void>[] = []
    for (const [n, applied] of this.pending) if (n > position) waits.push(applied)
    if (waits.length > 0) await Promise.all(waits)
  }
}
