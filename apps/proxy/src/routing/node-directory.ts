import { effectiveSettings, type EffectiveSettings } from '@qcc/core'
import type { Account, NodeRecord, Store } from '@qcc/store'

/** Keys read for a set of nodes: the decrypted ones, and why the others could not be read. */
interface KeyRead {
  keys: Map<string, string | null>
  failures: Map<string, unknown>
}

/**
 * The nodes and accounts of every tenant, held in memory so the data path makes no database
 * round trip: each node's upstream key is decrypted as it is loaded, and each account's settings
 * in force are worked out then. Reloaded whole when the store's change version moves (another
 * replica's changes arrive so); this replica's own admin changes are applied per account at once
 * with {@link refreshAccount}. Callers run the two one at a time (runtime/config-propagation.ts),
 * so a whole reload that read the database before a change can never land after that change's
 * account refresh.
 */
export class NodeDirectory {
  private byAccount = new Map<string, NodeRecord[]>()
  private byId = new Map<string, NodeRecord>()
  private accounts = new Map<string, Account>()
  private settingsOf = new Map<string, EffectiveSettings>()
  private keys = new Map<string, string | null>()
  // A key that could not be read at load (database down): its error, and the read retrying it.
  private keyFailures = new Map<string, unknown>()
  private retries = new Map<string, Promise<string | null>>()
  private version = -1

  constructor(
    private readonly store: Store,
    /** The process-wide settings (from env) that an account's unset overrides fall back to. */
    private readonly baseSettings: EffectiveSettings,
  ) {}

  /** Loads everything once; then cheap to call: reloads only when the version moved. */
  async refresh(): Promise<boolean> {
    const version = await this.store.changeVersion()
    if (version === this.version) return false
    const [nodes, accounts] = await Promise.all([this.store.listNodes(), this.store.listAccounts()])
    const read = await this.readKeys(nodes)
    const byAccount = new Map<string, NodeRecord[]>()
    for (const node of nodes) {
      const list = byAccount.get(node.accountId)
      if (list) list.push(node)
      else byAccount.set(node.accountId, [node])
    }
    this.byAccount = byAccount
    this.byId = new Map(nodes.map((n) => [n.id, n]))
    this.accounts = new Map(accounts.map((a) => [a.id, a]))
    this.settingsOf = new Map(accounts.map((a) => [a.id, this.settingsFor(a)]))
    this.keys = read.keys
    this.keyFailures = read.failures
    this.retries.clear()
    this.version = version
    return true
  }

  /**
   * Reloads one account: its record (settings, active node), its nodes and their keys. A deleted
   * account disappears. Leaves the change version alone: the whole-reload poll still runs for
   * every version it has not read.
   */
  async refreshAccount(accountId: string): Promise<void> {
    const [account, nodes] = await Promise.all([
      this.store.getAccount(accountId),
      this.store.listNodes({ accountId }),
    ])
    const live = account ? nodes : []
    const read = await this.readKeys(live)
    for (const old of this.byAccount.get(accountId) ?? []) this.forget(old.id)
    for (const node of nodes) this.forget(node.id)
    if (account) {
      this.accounts.set(accountId, account)
      this.settingsOf.set(accountId, this.settingsFor(account))
    } else {
      this.accounts.delete(accountId)
      this.settingsOf.delete(accountId)
    }
    if (live.length > 0) this.byAccount.set(accountId, live)
    else this.byAccount.delete(accountId)
    for (const node of live) this.byId.set(node.id, node)
    for (const [id, key] of read.keys) this.keys.set(id, key)
    for (const [id, err] of read.failures) this.keyFailures.set(id, err)
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

  /** The settings in force for an account: core's `effectiveSettings` of its overrides. */
  settings(accountId: string): EffectiveSettings {
    return this.settingsOf.get(accountId) ?? this.baseSettings
  }

  all(): NodeRecord[] {
    return [...this.byAccount.values()].flat()
  }

  /**
   * A loaded node's upstream key, as read when it was loaded (null: none set). When that read
   * failed, throws its error and starts reading again, so a later request can have the key.
   */
  apiKeyNow(nodeId: string): string | null {
    const key = this.keys.get(nodeId)
    if (key !== undefined) return key
    if (!this.keyFailures.has(nodeId)) return null
    this.apiKey(nodeId).catch(() => {})
    throw this.keyFailures.get(nodeId)
  }

  /** The node's upstream key: the loaded one, else read now (and kept until the next reload). */
  apiKey(nodeId: string): Promise<string | null> {
    const key = this.keys.get(nodeId)
    if (key !== undefined) return Promise.resolve(key)
    const pending = this.retries.get(nodeId)
    if (pending) return pending
    const read = this.store.getNodeApiKey(nodeId)
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
          this.keys.set(nodeId, value)
          this.keyFailures.delete(nodeId)
        }),
      (err: unknown) => settle(() => this.keyFailures.set(nodeId, err)),
    )
    return read
  }

  private settingsFor(account: Account): EffectiveSettings {
    return effectiveSettings(account.settings, this.baseSettings)
  }

  private async readKeys(nodes: readonly NodeRecord[]): Promise<KeyRead> {
    const read: KeyRead = { keys: new Map(), failures: new Map() }
    await Promise.all(
      nodes.map(async (node) => {
        if (!node.hasApiKey) return
        try {
          read.keys.set(node.id, await this.store.getNodeApiKey(node.id))
        } catch (err) {
          read.failures.set(node.id, err)
        }
      }),
    )
    return read
  }

  private forget(nodeId: string): void {
    this.byId.delete(nodeId)
    this.keys.delete(nodeId)
    this.keyFailures.delete(nodeId)
    // A retry still running then finds itself replaced and drops its answer.
    this.retries.delete(nodeId)
  }
}
