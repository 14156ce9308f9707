import type { Account, NodeRecord, Store } from '@qcc/store'

/**
 * The nodes and accounts of every tenant, held in memory so the data path makes no database round trip.
 * Reloaded whole when the store's change version moves (another replica's changes arrive so);
 * this replica's own admin changes are applied per account at once with {@link refreshAccount}.
 * Callers run the two one at a time (routing/stack.ts), so a whole reload that read the
 * database before a change can never land after that change's account refresh.
 */
export class NodeDirectory {
  private byAccount = new Map<string, NodeRecord[]>()
  private byId = new Map<string, NodeRecord>()
  private accounts = new Map<string, Account>()
  private keys = new Map<string, Promise<string | null>>()
  // Keys already decrypted, for a synchronous read on the request path.
  private readyKeys = new Map<string, string | null>()
  private version = -1

  constructor(private readonly store: Store) {}

  /** Loads everything once; then cheap to call: reloads only when the version moved. */
  async refresh(): Promise<boolean> {
    const version = await this.store.changeVersion()
    if (version === this.version) return false
    const [nodes, accounts] = await Promise.all([this.store.listNodes(), this.store.listAccounts()])
    const byAccount = new Map<string, NodeRecord[]>()
    for (const node of nodes) {
      const list = byAccount.get(node.accountId)
      if (list) list.push(node)
      else byAccount.set(node.accountId, [node])
    }
    this.byAccount = byAccount
    this.byId = new Map(nodes.map((n) => [n.id, n]))
    this.accounts = new Map(accounts.map((a) => [a.id, a]))
    this.keys.clear()
    this.readyKeys.clear()
    this.version = version
    return true
  }

  /**
   * Reloads one account: its record (settings, active node) and its nodes, and forgets the cached
   * keys of its nodes. A deleted account disappears. Leaves the change version alone: the
   * whole-reload poll still runs for every version it has not read.
   */
  async refreshAccount(accountId: string): Promise<void> {
    const [account, nodes] = await Promise.all([
      this.store.getAccount(accountId),
      this.store.listNodes({ accountId }),
    ])
    for (const old of this.byAccount.get(accountId) ?? []) this.forget(old.id)
    for (const node of nodes) this.forget(node.id)
    if (account) this.accounts.set(accountId, account)
    else this.accounts.delete(accountId)
    const live = account ? nodes : []
    if (live.length > 0) this.byAccount.set(accountId, live)
    else this.byAccount.delete(accountId)
    for (const node of live) this.byId.set(node.id, node)
  }

  nodesOf(accountId: string): readonly NodeRecord[] {
    return this.byAccount.get(accountId) ?? []
  }

  node(id: string): NodeRecord | undefined {
    return this.byId.get(id)
  }

  account(id: string): Account | undefined {
    return this.accounts.get(id)
  }

  all(): NodeRecord[] {
    return [...this.byAccount.values()].flat()
  }

  /** The node's key when it is already decrypted (`undefined`: not yet, use `apiKey`). */
  readyApiKey(nodeId: string): string | null | undefined {
    return this.readyKeys.get(nodeId)
  }

  /** The node's upstream key, decrypted on first use and kept until the next reload. */
  apiKey(nodeId: string): Promise<string | null> {
    const cached = this.keys.get(nodeId)
    if (cached) return cached
    const key = this.store.getNodeApiKey(nodeId)
    this.keys.set(nodeId, key)
    const version = this.version
    void key.then(
      (value) => {
        if (this.version === version && this.keys.get(nodeId) === key)
          this.readyKeys.set(nodeId, value)
      },
      () => {},
    )
    // A failed read (database down) must not be remembered: the next request tries again.
    key.catch(() => {
      if (this.keys.get(nodeId) === key) this.keys.delete(nodeId)
    })
    return key
  }

  private forget(nodeId: string): void {
    this.byId.delete(nodeId)
    // An in-flight decryption checks `keys` before filling `readyKeys`, so it cannot refill it.
    this.keys.delete(nodeId)
    this.readyKeys.delete(nodeId)
  }
}
