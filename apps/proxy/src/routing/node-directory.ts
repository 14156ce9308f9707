import { effectiveSettings, type EffectiveSettings } from '@qcc/core'
import type { Account, NodeRecord, Store } from '@qcc/store'
import { NodeSecrets, type SecretsRead } from './node-secrets'

/**
 * The nodes and accounts of every tenant, held in memory so the data path makes no database
 * round trip: each node's upstream key and extra headers are decrypted as it is loaded
 * (node-secrets.ts), and each account's settings
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
  private readonly keys: NodeSecrets<string>
  private readonly headers: NodeSecrets<Record<string, string>>
  private version = -1
  /** An own change may be missing (its account reload failed): see {@link markStale}. */
  private stale = false

  constructor(
    private readonly store: Store,
    /** The process-wide settings (from env) that an account's unset overrides fall back to. */
    private readonly baseSettings: EffectiveSettings,
  ) {
    this.keys = new NodeSecrets(
      (id) => store.getNodeApiKey(id),
      (node) => node.hasApiKey,
      (ids) => store.getNodeApiKeys(ids),
    )
    this.headers = new NodeSecrets(
      // Lower-cased once here: the data path's header bag is lower case, so a name never doubles.
      async (id) => lowerNames(await store.getNodeExtraHeaders(id)),
      (node) => node.extraHeaderNames.length > 0,
    )
  }

  /** Loads everything once; then cheap to call: reloads only when the version moved. */
  async refresh(): Promise<boolean> {
    return this.reload(await this.store.changeVersion())
  }

  /**
   * The poll's {@link refresh}: a version moved only by this store handle's own commits is taken
   * as read without reloading, since those changes arrived through {@link refreshAccounts}
   * already (this replica's admin API announces each one). At fleet size a whole reload every
   * poll while tenants are created here made provisioning quadratic (`pnpm bench:provision`, apps/proxy/bench/README.md).
   */
  async pollRefresh(): Promise<boolean> {
    const version = await this.store.changeVersion()
    if (version === this.version) return false
    if (!this.stale && this.store.onlyOwnChanges(this.version, version)) {
      this.version = version
      return false
    }
    return this.reload(version)
  }

  /**
   * An account reload of an own change failed: the next {@link pollRefresh} reloads whole even
   * if only own changes moved the version, so the change still arrives with the poll.
   */
  markStale(): void {
    this.stale = true
  }

  private async reload(version: number): Promise<boolean> {
    if (version === this.version && !this.stale) return false
    const [nodes, accounts] = await Promise.all([this.store.listNodes(), this.store.listAccounts()])
    const [keys, headers] = await Promise.all([this.keys.load(nodes), this.headers.load(nodes)])
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
    this.keys.replace(keys)
    this.headers.replace(headers)
    this.version = version
    this.stale = false
    return true
  }

  /**
   * Reloads one account: its record (settings, active node), its nodes and their keys. A deleted
   * account disappears. Leaves the change version alone: the whole-reload poll still runs for
   * every version it has not read.
   */
  async refreshAccount(accountId: string): Promise<void> {
    await this.refreshAccounts([accountId])
  }

  /**
   * Reloads several accounts as {@link refreshAccount} does: all read at once, then applied in
   * the order given (a node moved between two of them ends where the later read put it).
   */
  async refreshAccounts(accountIds: readonly string[]): Promise<void> {
    const loaded = await Promise.all(accountIds.map((id) => this.readAccount(id)))
    for (const one of loaded) this.applyAccount(one)
  }

  private async readAccount(accountId: string): Promise<LoadedAccount> {
    const [account, nodes] = await Promise.all([
      this.store.getAccount(accountId),
      this.store.listNodes({ accountId }),
    ])
    const live = account ? nodes : []
    const [keys, headers] = await Promise.all([this.keys.load(live), this.headers.load(live)])
    return { accountId, account, nodes, live, keys, headers }
  }

  private applyAccount(loaded: LoadedAccount): void {
    const { accountId, account, nodes, live, keys, headers } = loaded
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
    this.keys.apply(keys)
    this.headers.apply(headers)
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
    return this.keys.now(nodeId)
  }

  /** The node's upstream key: the loaded one, else read now (and kept until the next reload). */
  apiKey(nodeId: string): Promise<string | null> {
    return this.keys.get(nodeId)
  }

  /** A loaded node's extra headers (docs/contract.md §13), as {@link apiKeyNow} reads keys. */
  extraHeadersNow(nodeId: string): Record<string, string> | null {
    return this.headers.now(nodeId)
  }

  private settingsFor(account: Account): EffectiveSettings {
    return effectiveSettings(account.settings, this.baseSettings)
  }

  private forget(nodeId: string): void {
    this.byId.delete(nodeId)
    this.keys.forget(nodeId)
    this.headers.forget(nodeId)
  }
}

function lowerNames(headers: Record<string, string> | null): Record<string, string> | null {
  if (headers === null) return null
  const out: Record<string, string> = {}
  for (const name in headers) out[name.toLowerCase()] = headers[name] as string
  return out
}

/** One account as {@link NodeDirectory.refreshAccounts} read it, before it is applied. */
interface LoadedAccount {
  accountId: string
  account: Account | null
  nodes: NodeRecord[]
  live: NodeRecord[]
  keys: SecretsRead<string>
  headers: SecretsRead<Record<string, string>>
}
