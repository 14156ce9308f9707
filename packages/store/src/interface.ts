import type { BulkAccountCreated, BulkAccountInput } from './types/bulk'
import type { Account, CreateAccountInput, UpdateAccountInput } from './types/accounts'
import type { AuditFilter, AuditInput, AuditRecord } from './types/audit'
import type { CreateDownloadLinkInput } from './types/download-links'
import type { HealthCheckFilter, HealthCheckInput, HealthCheckRecord } from './types/health-checks'
import type { ImportedHealthCheck, ImportSourceRecord, ImportUsageBatch } from './types/imports'
import type { NodeStateInput, NodeStateRecord } from './types/node-states'
import type {
  CreateNodeInput,
  NodeFilter,
  NodeRecord,
  NodeSecretRead,
  UpdateNodeInput,
} from './types/nodes'
import type {
  CreateNotificationChannelInput,
  NotificationChannel,
  NotificationSubscription,
  NotificationSubscriptionFilter,
  NotificationSubscriptionInput,
  UpdateNotificationChannelInput,
} from './types/notifications'
import type { PriceInput, PriceRecord } from './types/prices'
import type {
  CreateProxyKeyInput,
  ProxyKey,
  ProxyKeyWithSecret,
  ResolvedProxyKey,
  UpdateProxyKeyInput,
} from './types/proxy-keys'
import type { RetentionOptions, RetentionResult } from './types/retention'
import type { SessionRecord } from './types/sessions'
import type { CreateShareLinkInput, ShareLink, ShareLinkFilter } from './types/share-links'
import type { TunnelConfig, TunnelConfigInput } from './types/tunnel'
import type {
  KeySpend,
  KeySpendFilter,
  UnpricedModelSeen,
  UsageLogEntry,
  UsageLogFilter,
  UsagePoint,
  UsageSeriesFilter,
  UsageSummary,
  UsageSummaryFilter,
  UsageWriter,
} from './types/usage'

/** Accounts (each adapter's `accounts.ts`). */
export interface AccountStore {
  /** Creates an account; the password is hashed with scrypt. @throws StoreError `conflict` */
  createAccount(input: CreateAccountInput): Promise<Account>
  /**
   * `createAccount` and then `createProxyKey` for it, in one commit (one change version): a
   * clash of either creates nothing. @throws StoreError `conflict` for a taken name or a chosen
   * key already in use ({@link isProxyKeyInUse} tells the second), `invalid` for bad input
   */
  createAccountWithKey(
    input: CreateAccountInput,
    key: Omit<CreateProxyKeyInput, 'accountId'>,
  ): Promise<ProxyKeyWithSecret & { account: Account }>
  getAccount(id: string): Promise<Account | null>
  /** The account named exactly `name` (names are unique regardless of case, matched exactly). */
  getAccountByName(name: string): Promise<Account | null>
  /** All accounts, oldest first. */
  listAccounts(): Promise<Account[]>
  /** @throws StoreError `conflict` on a name clash, `invalid` for an unknown active node. */
  updateAccount(id: string, patch: UpdateAccountInput): Promise<Account | null>
  /** Deletes the account with its keys, nodes (and their state), sessions and channels. */
  deleteAccount(id: string): Promise<boolean>
  /**
   * The account when the password matches and it is enabled; similar time for unknown names.
   * `name` matches exactly, as in {@link AccountStore.getAccountByName}.
   */
  verifyPassword(name: string, password: string): Promise<Account | null>
  /** Enabled admin accounts. */
  countAdmins(): Promise<number>
}

/** Proxy keys (`proxy-keys.ts`); resolving one is the store's own (see {@link Store}). */
export interface ProxyKeyStore {
  /** @throws StoreError `conflict` when a chosen key is already in use, `not_found` account. */
  createProxyKey(input: CreateProxyKeyInput): Promise<ProxyKeyWithSecret>
  /** Keys of one account (or all), revoked ones included, oldest first. */
  listProxyKeys(accountId?: string): Promise<ProxyKey[]>
  revokeProxyKey(id: string): Promise<ProxyKey | null>
  /**
   * Revokes the key and issues a new one with the same name and limits. The successor is a new
   * key: it has no first use yet (`expires_after_first_use_days` starts again at its own).
   */
  rotateProxyKey(id: string): Promise<ProxyKeyWithSecret | null>
  /** Renames a key or changes its limits; null when unknown. @throws StoreError `invalid` */
  updateProxyKey(id: string, input: UpdateProxyKeyInput): Promise<ProxyKey | null>
  /**
   * Records the key's first request when none is recorded yet (the first writer wins across
   * replicas) and answers the recorded time; null for an unknown key.
   */
  markProxyKeyFirstUse(id: string, at: Date): Promise<Date | null>
}

/** Login sessions (`sessions.ts`). */
export interface SessionStore {
  /** New session with a 256-bit random id; only its SHA-256 is stored. */
  createSession(accountId: string, ttlMs: number): Promise<SessionRecord>
  /** Null when unknown or expired. */
  getSession(id: string): Promise<SessionRecord | null>
  /**
   * {@link getSession} and its account (null when gone) in one read: the admin API checks both
   * on every request.
   */
  getSessionWithAccount(
    id: string,
  ): Promise<{ session: SessionRecord; account: Account | null } | null>
  /** Moves the expiry to now + ttlMs; null when unknown or expired. */
  renewSession(id: string, ttlMs: number): Promise<SessionRecord | null>
  deleteSession(id: string): Promise<boolean>
  /** @returns the number of sessions deleted */
  deleteSessionsForAccount(accountId: string): Promise<number>
}

/** Upstream nodes (`nodes.ts`). */
export interface NodeStore {
  /** @throws StoreError `conflict` (name taken in the account), `not_found` (account). */
  createNode(input: CreateNodeInput): Promise<NodeRecord>
  updateNode(id: string, patch: UpdateNodeInput): Promise<NodeRecord | null>
  /** Also deletes its state and clears it as its account's active node. */
  deleteNode(id: string): Promise<boolean>
  getNode(id: string): Promise<NodeRecord | null>
  /** Oldest first. */
  listNodes(filter?: NodeFilter): Promise<NodeRecord[]>
  /** Decrypts the upstream key; null when the node has none or does not exist. */
  getNodeApiKey(id: string): Promise<string | null>
  /**
   * Decrypts the upstream keys of many nodes in a few queries (a routing reload of every node
   * asks once, not once per node). Each id answers on its own: its key (null: none), or the
   * error its key failed with (one tampered key fails only its node). Unknown ids are left out.
   */
  getNodeApiKeys(ids: readonly string[]): Promise<Map<string, NodeSecretRead<string>>>
  /**
   * Decrypts the extra headers sent to the node (docs/contract.md §13); null when it has none or
   * does not exist.
   */
  getNodeExtraHeaders(id: string): Promise<Record<string, string> | null>
}

/** Node runtime state (`node-states.ts`). */
export interface NodeStateStore {
  /** Stored states (nodes that never had a CAS have none: treat as healthy, version 0). */
  getNodeStates(): Promise<NodeStateRecord[]>
  /**
   * Writes `next` when the stored version equals `expectedVersion` (0 = none stored yet) and
   * answers true; across replicas exactly one caller wins a given version.
   */
  compareAndSetNodeState(
    nodeId: string,
    expectedVersion: number,
    next: NodeStateInput,
  ): Promise<boolean>
}

/** Usage queries (`usage.ts`); writing goes through {@link Store.usageWriter}. */
export interface UsageStore {
  /** Exact totals from the rollups (committed events only). */
  usageSummary(filter: UsageSummaryFilter): Promise<UsageSummary>
  /**
   * Raw events, newest first (subject to retention and to the writer's cap), with the names of
   * their key and serving node.
   */
  usageLogs(filter: UsageLogFilter): Promise<UsageLogEntry[]>
  /**
   * One request's entry by its request id, with its trace; null when unknown, or when
   * `accountId` is given and the request is another account's (docs/contract.md §12).
   */
  usageLog(requestId: string, accountId?: string): Promise<UsageLogEntry | null>
  /**
   * The model ids of raw usage rows priced other than by the table (docs/contract.md §15), most
   * requests first, at most `limit` (capped at 1000). Rows without `pricedBy` are left out.
   */
  unpricedModels(limit?: number): Promise<UnpricedModelSeen[]>
  /** Time series from the rollups, one point per bucket in [from, to). */
  usageSeries(filter: UsageSeriesFilter): Promise<UsagePoint[]>
  /**
   * Committed spend per key (with its account) since `from`, floored to its minute (all time
   * without), from the rollups; per key and minute with `byMinute` (minute rollups). Keys without
   * spend have no row. Seeds the cost windows of docs/contract.md §10. @throws StoreError `invalid`
   */
  spendByKey(filter: KeySpendFilter): Promise<KeySpend[]>
}

/** Health-check history (`health-checks.ts`). */
export interface HealthCheckStore {
  recordHealthCheck(input: HealthCheckInput): Promise<HealthCheckRecord>
  listHealthChecks(filter: HealthCheckFilter): Promise<HealthCheckRecord[]>
}

/** Model prices (`prices.ts`). */
export interface PriceStore {
  /** Sorted by model. */
  listPrices(): Promise<PriceRecord[]>
  upsertPrice(input: PriceInput): Promise<PriceRecord>
  deletePrice(model: string): Promise<boolean>
}

/** Monitor share links (`share-links.ts`). */
export interface ShareLinkStore {
  /** The token is returned once. */
  createShareLink(input: CreateShareLinkInput): Promise<{ link: ShareLink; token: string }>
  /** A live link by its token; null when unknown, revoked or expired. */
  getShareLink(token: string): Promise<ShareLink | null>
  /** Newest first. */
  listShareLinks(filter?: ShareLinkFilter): Promise<ShareLink[]>
  /** Revokes the link (kept for the record); false when unknown or already revoked. */
  deleteShareLink(id: string): Promise<boolean>
}

/** One-time download links (`download-links.ts`). */
export interface DownloadLinkStore {
  /**
   * Keeps `payload` sealed under a new unguessable token (only the token's hash is stored) until
   * `expiresAt`; the token is returned once. Every replica sharing the data can consume it.
   */
  createDownloadLink(input: CreateDownloadLinkInput): Promise<{ token: string }>
  /**
   * The payload of a live link, exactly once: of any number of calls (on any replica) one gets
   * it; the rest, and unknown or expired tokens, answer null.
   */
  consumeDownloadLink(token: string): Promise<string | null>
}

/** Notification channels and their subscriptions (`notifications.ts`). */
export interface NotificationStore {
  createNotificationChannel(input: CreateNotificationChannelInput): Promise<NotificationChannel>
  getNotificationChannel(id: string): Promise<NotificationChannel | null>
  listNotificationChannels(accountId?: string): Promise<NotificationChannel[]>
  updateNotificationChannel(
    id: string,
    patch: UpdateNotificationChannelInput,
  ): Promise<NotificationChannel | null>
  /** Also deletes its subscriptions. */
  deleteNotificationChannel(id: string): Promise<boolean>
  /** Creates or updates the subscription of a channel to an event type. */
  upsertNotificationSubscription(
    input: NotificationSubscriptionInput,
  ): Promise<NotificationSubscription>
  listNotificationSubscriptions(
    filter?: NotificationSubscriptionFilter,
  ): Promise<NotificationSubscription[]>
  deleteNotificationSubscription(id: string): Promise<boolean>
}

/** Many rows at once (`bulk.ts`): provisioning scripts and the fleet bench. */
export interface BulkStore {
  /**
   * Creates accounts with their proxy keys and nodes. MySQL: one transaction and one version bump
   * for all (every row checked before the first write; a taken name or key writes nothing,
   * StoreError `conflict`); memory: the single creates in order. Answers each account's id, its
   * keys' ids and secrets (shown once) and its nodes' ids, in input order.
   * @throws StoreError `invalid` / `conflict`
   */
  createAccountsInBulk(inputs: readonly BulkAccountInput[]): Promise<BulkAccountCreated[]>
}

/** The audit log (`audit.ts`). */
export interface AuditStore {
  appendAudit(input: AuditInput): Promise<AuditRecord>
  listAudit(filter?: AuditFilter): Promise<AuditRecord[]>
}

/** The tunnel config (`tunnel.ts`). */
export interface TunnelStore {
  /** Null until first set. */
  getTunnelConfig(): Promise<TunnelConfig | null>
  /** Merges the patch into the stored config. */
  setTunnelConfig(patch: TunnelConfigInput): Promise<TunnelConfig>
}

/** What `qcc import` writes (`imports.ts`, docs/contract.md §14.1); no version bump. */
export interface ImportStore {
  /** The remembered rows of one source table, by source id (as text). */
  listImportSources(source: string, table: string): Promise<ImportSourceRecord[]>
  /** Upserts by (source, table, sourceId), in one transaction. @throws StoreError `invalid` */
  putImportSources(records: readonly ImportSourceRecord[]): Promise<void>
  /**
   * Inserts the checks whose id is new (ids the importer derives from the source), in one
   * transaction; answers how many were inserted. @throws StoreError `invalid`
   */
  importHealthChecks(records: readonly ImportedHealthCheck[]): Promise<number>
  /**
   * Writes a batch as the usage writer's sink does (events normalised, request ids seen before
   * skipped, rollups derived from the new events, `rollups` added as they are), atomically;
   * false when the batch id was written before. @throws StoreError `invalid`
   */
  importUsageBatch(batch: ImportUsageBatch): Promise<boolean>
}

/** Retention (`retention.ts`). */
export interface RetentionStore {
  /** Deletes old raw usage, old health history, expired sessions and expired download links. */
  retention(options: RetentionOptions): Promise<RetentionResult>
}

/**
 * All persistent state of qcc, one part per entity. Both adapters (memory, MySQL) behave the
 * same; the contract suite in `test/contract/` proves it.
 *
 * Conventions: lookups of a missing id answer `null` (updates too); deletes answer whether
 * something was deleted; a unique-name clash throws `StoreError('conflict')`; bad input throws
 * `StoreError('invalid')`; a database that is down throws `StoreError('unavailable')`. Every
 * config mutation bumps {@link Store.changeVersion}.
 */
export interface Store
  extends
    AccountStore,
    ProxyKeyStore,
    SessionStore,
    NodeStore,
    BulkStore,
    NodeStateStore,
    UsageStore,
    HealthCheckStore,
    PriceStore,
    ShareLinkStore,
    DownloadLinkStore,
    NotificationStore,
    AuditStore,
    TunnelStore,
    ImportStore,
    RetentionStore {
  /** Which adapter this is. */
  readonly kind: 'memory' | 'mysql'
  /**
   * Synchronous lookup in the in-memory index (no database round trip): a live key of an
   * enabled account, with its limits, its account's and its first use. Other replicas' changes
   * arrive with the change-version poll; this replica's own at once.
   */
  resolveProxyKey(secret: string): ResolvedProxyKey | null
  /** The batching writer (see `UsageWriter`). */
  readonly usageWriter: UsageWriter
  /**
   * A counter bumped by every config mutation and node-state CAS; replicas poll it to notice
   * changes (the store itself refreshes its proxy-key index when it moves).
   */
  changeVersion(): Promise<number>
  /**
   * True when every change between two versions {@link changeVersion} read (`from` exclusive,
   * `to` inclusive) was committed through this store handle, so a reader that applies this
   * handle's changes as it makes them has nothing to reload; false when any may be another
   * writer's (another replica, `qcc import`) or is not known. The memory adapter always answers
   * false: its reloads are cheap, and callers that write it directly count on the poll.
   */
  onlyOwnChanges(from: number, to: number): boolean
  /** @throws StoreError `unavailable` when the database does not answer. */
  ping(): Promise<void>
  /**
   * Flushes usage (bounded by the flush deadline), stops timers, closes connections.
   * Idempotent. @throws StoreError `unavailable` when buffered usage could not be written.
   */
  close(): Promise<void>
}
