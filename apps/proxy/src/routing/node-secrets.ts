import type { NodeRecord, NodeSecretRead } from '@qcc/store'

/**
 * One kind of a node's sealed values (its upstream key, its extra headers), decrypted when the
 * directory loads the node, so the data path never waits on the database. A value whose read
 * failed (database down) is read again when a request asks for it.
 */
export class NodeSecrets<T> {
  private values = new Map<string, T | null>()
  // A value that could not be read at load: its error, and the read retrying it.
  private failures = new Map<string, unknown>()
  private retries = new Map<string, Promise<T | null>>()

  constructor(
    /** Decrypts one node's value (null: none set). */
    private readonly read: (nodeId: string) => Promise<T | null>,
    /** Whether a node has a value to read at all. */
    private readonly has: (node: NodeRecord) => boolean,
    /**
     * Decrypts many nodes' values in a few queries (the store's `getNodeApiKeys`): a reload of
     * every node then costs a query per thousand nodes, not one per node, which at fleet size
     * held every admin change behind thousands of reads.
     */
    private readonly readMany?: (ids: readonly string[]) => Promise<Map<string, NodeSecretRead<T>>>,
  ) {}

  /** Reads the values of `nodes` without applying them (see {@link apply}). */
  async load(nodes: readonly NodeRecord[]): Promise<SecretsRead<T>> {
    const read: SecretsRead<T> = { values: new Map(), failures: new Map() }
    if (this.readMany) {
      const ids = nodes.filter(this.has).map((n) => n.id)
      if (ids.length === 0) return read
      try {
        const found = await this.readMany(ids)
        for (const id of ids) {
          const one = found.get(id)
          // Gone since the list was read: nothing to send it.
          if (one === undefined) read.values.set(id, null)
          else if (one.ok) read.values.set(id, one.value)
          else read.failures.set(id, one.error)
        }
      } catch (err) {
        for (const id of ids) read.failures.set(id, err)
      }
      return read
    }
    await Promise.all(
      nodes.map(async (node) => {
        if (!this.has(node)) return
        try {
          read.values.set(node.id, await this.read(node.id))
        } catch (err) {
          read.failures.set(node.id, err)
        }
      }),
    )
    return read
  }

  /** Replaces everything with a whole load's values. */
  replace(read: SecretsRead<T>): void {
    this.values = read.values
    this.failures = read.failures
    this.retries.clear()
  }

  /** Adds a partial load's values (one account's nodes, already {@link forget}-ed). */
  apply(read: SecretsRead<T>): void {
    for (const [id, value] of read.values) this.values.set(id, value)
    for (const [id, err] of read.failures) this.failures.set(id, err)
  }

  /**
   * A loaded node's value (null: none set). When its read failed, throws that error and starts
   * reading again, so a later request can have it.
   */
  now(nodeId: string): T | null {
    const value = this.values.get(nodeId)
    if (value !== undefined) return value
    if (!this.failures.has(nodeId)) return null
    this.get(nodeId).catch(() => {})
    throw this.failures.get(nodeId)
  }

  /** The node's value: the loaded one, else read now (and kept until the next reload). */
  get(nodeId: string): Promise<T | null> {
    const value = this.values.get(nodeId)
    if (value !== undefined) return Promise.resolve(value)
    const pending = this.retries.get(nodeId)
    if (pending) return pending
    const read = this.read(nodeId)
    this.retries.set(nodeId, read)
    // A reload or an account refresh in between replaces the retry: its answer is then stale.
    const settle = (apply: () => void) => {
      if (this.retries.get(nodeId) !== read) return
      this.retries.delete(nodeId)
      apply()
    }
    read.then(
      (value) =>
        settle(() => {
          this.values.set(nodeId, value)
          this.failures.delete(nodeId)
        }),
      (err: unknown) => settle(() => this.failures.set(nodeId, err)),
    )
    return read
  }

  /** Drops a node's value; a retry still running then finds itself replaced. */
  forget(nodeId: string): void {
    this.values.delete(nodeId)
    this.failures.delete(nodeId)
    this.retries.delete(nodeId)
  }
}

/** What {@link NodeSecrets.load} read: the values, and why the others could not be read. */
export interface SecretsRead<T> {
  values: Map<string, T | null>
  failures: Map<string, unknown>
}
