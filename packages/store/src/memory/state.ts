import type { StoreContext } from '../config'
import type { Account, ProxyKey } from '../types/accounts'
import type {
  AuditRecord,
  HealthCheckRecord,
  NotificationChannel,
  NotificationSubscription,
  PriceRecord,
  ShareLink,
  TunnelConfig,
} from '../types/extras'
import type { NodeRecord, NodeStateRecord } from '../types/nodes'
import type { UsageEvent } from '../types/usage'
import type { RollupDelta } from '../usage/rollup'

/** An account row: the public record plus its password hash. */
export interface AccountRow extends Account {
  passwordHash: string
}

/** A proxy-key row. */
export interface KeyRow extends ProxyKey {
  hash: string
}

/** A node row with its sealed upstream key. */
export interface NodeRow extends Omit<NodeRecord, 'hasApiKey'> {
  apiKeySealed: string | null
}

/** A session row, keyed by the hash of its id. */
export interface SessionRow {
  id: string
  accountId: string
  createdAt: Date
  expiresAt: Date
}

/** A channel row with its sealed config. */
export interface ChannelRow extends Omit<NotificationChannel, 'config'> {
  configSealed: string
}

/** A one-time download link, keyed by the hash of its token. */
export interface DownloadRow {
  accountId: string
  payloadSealed: string
  createdAt: Date
  expiresAt: Date
  usedAt: Date | null
}

/** Everything the memory adapter holds. Records are copied in and out, never shared. */
export interface MemoryState {
  accounts: Map<string, AccountRow>
  keys: Map<string, KeyRow>
  nodes: Map<string, NodeRow>
  states: Map<string, NodeStateRecord>
  sessions: Map<string, SessionRow>
  usage: Map<string, UsageEvent>
  rollups: Map<string, RollupDelta>
  batches: Set<string>
  health: HealthCheckRecord[]
  prices: Map<string, PriceRecord>
  shares: Map<string, ShareLink & { hash: string }>
  channels: Map<string, ChannelRow>
  subscriptions: Map<string, NotificationSubscription>
  audit: AuditRecord[]
  tunnel: (Omit<TunnelConfig, 'apiToken'> & { apiTokenSealed: string | null }) | null
  downloads: Map<string, DownloadRow>
  version: number
}

/** An empty state. */
export function emptyState(): MemoryState {
  return {
    accounts: new Map(),
    keys: new Map(),
    nodes: new Map(),
    states: new Map(),
    sessions: new Map(),
    usage: new Map(),
    rollups: new Map(),
    batches: new Set(),
    health: [],
    prices: new Map(),
    shares: new Map(),
    channels: new Map(),
    subscriptions: new Map(),
    audit: [],
    tunnel: null,
    downloads: new Map(),
    version: 0,
  }
}

/** What every memory module works on. */
export interface Mem {
  ctx: StoreContext
  state: MemoryState
  /** Bumps the change version and rebuilds the key index. */
  changed(): void
  /** @throws StoreError `closed` after close */
  live(): void
}
