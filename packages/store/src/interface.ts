import type {
  Account,
  CreateAccountInput,
  CreateProxyKeyInput,
  ProxyKey,
  ProxyKeyWithSecret,
  ResolvedProxyKey,
  SessionRecord,
  UpdateAccountInput,
} from './types/accounts'
import type {
  AuditFilter,
  AuditInput,
  AuditRecord,
  CreateNotificationChannelInput,
  CreateShareLinkInput,
  HealthCheckFilter,
  HealthCheckInput,
  HealthCheckRecord,
  NotificationChannel,
  NotificationSubscription,
  NotificationSubscriptionInput,
  PriceInput,
  PriceRecord,
  RetentionOptions,
  RetentionResult,
  ShareLink,
  TunnelConfig,
  TunnelConfigInput,
  UpdateNotificationChannelInput,
} from './types/extras'
import type { CreateDownloadLinkInput } from './types/download-links'
import type {
  CreateNodeInput,
  NodeFilter,
  NodeRecord,
  NodeStateInput,
  NodeStateRecord,
  UpdateNodeInput,
} from './types/nodes'
import type {
  UsageLogFilter,
  UsageEvent,
  UsagePoint,
  UsageSeriesFilter,
  UsageSummary,
  UsageSummaryFilter,
  UsageWriter,
} from './types/usage'

/**
 * All persistent state of qcc. Both adapters (memory, MySQL) behave the same; the contract
 * suite in `src/contract/` proves it.
 *
 * Conventions: lookups of a missing id answer `null` (updates too); deletes answer whether
 * something was deleted; a unique-name clash throws `StoreError('conflict')`; bad input throws
 * `StoreError('invalid')`; a database that is down throws `StoreError('unavailable')`. Every
 * config mutation bumps {@link Store.changeVersion}.
 */
export interface Store {
  /** Which adapter this is. */
  readonly kind: 'memory' | 'mysql'

  // --- accounts -------------------------------------------------------------------------------
  /** Creates an account; the password is hashed with scrypt. @throws StoreError `conflict` */
  createAccount(input: CreateAccountInput): Promise<Account>
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
   * `name` matches exactly, as in {@link Store.getAccountByName}.
   */
  verifyPassword(name: string, password: string): Promise<Account | null>
  /** Enabled admin accounts. */
  countAdmins(): Promise<number>

  // --- proxy keys -----------------------------------------------------------------------------
  /** @throws StoreError `conflict` when a chosen key is already in use, `not_found` account. */
  createProxyKey(input: CreateProxyKeyInput): Promise<ProxyKeyWithSecret>
  /** Keys of one account (or all), revoked ones included, oldest first. */
  listProxyKeys(accountId?: string): Promise<ProxyKey[]>
  revokeProxyKey(id: string): Promise<ProxyKey | null>
  /** Revokes the key and issues a new one with the same name. */
  rotateProxyKey(id: string): Promise<ProxyKeyWithSecret | null>
  /**
   * Synchronous lookup in the in-memory index (no database round trip): a live key of an
   * enabled account. Other replicas' changes arrive with the change-version poll.
   */
  resolveProxyKey(secret: string): ResolvedProxyKey | null

  // --- nodes ----------------------------------------------------------------------------------
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

  // --- node runtime state ---------------------------------------------------------------------
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

  // --- sessions -------------------------------------------------------------------------------
  /** New session with a 256-bit random id; only its SHA-256 is stored. */
  createSession(accountId: string, ttlMs: number): Promise<SessionRecord>
  /** Null when unknown or expired. */
  getSession(id: string): Promise<SessionRecord | null>
  /** Moves the expiry to now + ttlMs; null when unknown or expired. */
  renewSession(id: string, ttlMs: number): Promise<SessionRecord | null>
  deleteSession(id: string): Promise<boolean>
  /** @returns the number of sessions deleted */
  deleteSessionsForAccount(accountId: string): Promise<number>

  // --- usage ----------------------------------------------------------------------------------
  /** The batching writer (see `UsageWriter`). */
  readonly usageWriter: UsageWriter
  /** Exact totals from the rollups (committed events only). */
  usageSummary(filter: UsageSummaryFilter): Promise<UsageSummary>
  /** Raw events, newest first (subject to retention and to the writer's cap). */
  usageLogs(filter: UsageLogFilter): Promise<UsageEvent[]>
  /** Time series from the rollups, one point per bucket in [from, to). */
  usageSeries(filter: UsageSeriesFilter): Promise<UsagePoint[]>

  // --- health history -------------------------------------------------------------------------
  recordHealthCheck(input: HealthCheckInput): Promise<HealthCheckRecord>
  listHealthChecks(filter: HealthCheckFilter): Promise<HealthCheckRecord[]>

  // --- pricing --------------------------------------------------------------------------------
  /** Sorted by model. */
  listPrices(): Promise<PriceRecord[]>
  upsertPrice(input: PriceInput): Promise<PriceRecord>
  deletePrice(model: string): Promise<boolean>

  // --- share links ----------------------------------------------------------------------------
  /** The token is returned once. */
  createShareLink(input: CreateShareLinkInput): Promise<{ link: ShareLink; token: string }>
  /** A live link by its token; null when unknown, revoked or expired. */
  getShareLink(token: string): Promise<ShareLink | null>
  /** Newest first. */
  listShareLinks(filter?: { accountId?: string; includeRevoked?: boolean }): Promise<ShareLink[]>
  /** Revokes the link (kept for the record); false when unknown or already revoked. */
  deleteShareLink(id: string): Promise<boolean>

  // --- one-time download links ----------------------------------------------------------------
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

  // --- notifications --------------------------------------------------------------------------
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
  listNotificationSubscriptions(filter?: {
    accountId?: string
    channelId?: string
    eventType?: string
  }): Promise<NotificationSubscription[]>
  deleteNotificationSubscription(id: string): Promise<boolean>

  // --- audit ----------------------------------------------------------------------------------
  appendAudit(input: AuditInput): Promise<AuditRecord>
  listAudit(filter?: AuditFilter): Promise<AuditRecord[]>

  // --- tunnel ---------------------------------------------------------------------------------
  /** Null until first set. */
  getTunnelConfig(): Promise<TunnelConfig | null>
  /** Merges the patch into the stored config. */
  setTunnelConfig(patch: TunnelConfigInput): Promise<TunnelConfig>

  // --- housekeeping ---------------------------------------------------------------------------
  /**
   * A counter bumped by every config mutation and node-state CAS; replicas poll it to notice
   * changes (the store itself refreshes its proxy-key index when it moves).
   */
  changeVersion(): Promise<number>
  /** Deletes old raw usage, old health history, expired sessions and expired download links. */
  retention(options: RetentionOptions): Promise<RetentionResult>
  /** @throws StoreError `unavailable` when the database does not answer. */
  ping(): Promise<void>
  /**
   * Flushes usage (bounded by the flush deadline), stops timers, closes connections.
   * Idempotent. @throws StoreError `unavailable` when buffered usage could not be written.
   */
  close(): Promise<void>
}
