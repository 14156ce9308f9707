import type { StoreContext } from '../config'
import type { AccountRow } from '../rows/accounts'
import { clampLimit, pageOffset } from '../rows/fields'
import type { DownloadLinkRow } from '../rows/download-links'
import type { NodeRow } from '../rows/nodes'
import type { ChannelRow } from '../rows/notifications'
import type { ProxyKeyRow } from '../rows/proxy-keys'
import type { SessionRow } from '../rows/sessions'
import type { ShareLinkRow } from '../rows/share-links'
import type { TunnelRow } from '../rows/tunnel'
import type { AuditRecord } from '../types/audit'
import type { HealthCheckRecord } from '../types/health-checks'
import type { ImportSourceRecord } from '../types/imports'
import type { NodeStateRecord } from '../types/node-states'
import type { NotificationSubscription } from '../types/notifications'
import type { PriceRecord } from '../types/prices'
import type { UsageEvent } from '../types/usage'
import type { RollupDelta } from '../usage/rollup'

/**
 * Everything the memory adapter holds: the same rows the MySQL adapter writes (built by
 * `rows/`), in maps. Records are copied in and out, never shared.
 */
export interface MemoryState {
  accounts: Map<string, AccountRow>
  keys: Map<string, ProxyKeyRow>
  nodes: Map<string, NodeRow>
  states: Map<string, NodeStateRecord>
  /** By the hash of the session id. */
  sessions: Map<string, SessionRow>
  usage: Map<string, UsageEvent>
  rollups: Map<string, RollupDelta>
  batches: Set<string>
  health: HealthCheckRecord[]
  prices: Map<string, PriceRecord>
  shares: Map<string, ShareLinkRow>
  channels: Map<string, ChannelRow>
  subscriptions: Map<string, NotificationSubscription>
  audit: AuditRecord[]
  tunnel: TunnelRow | null
  /** By the hash of the link's token. */
  downloads: Map<string, DownloadLinkRow>
  /** Import source ids (docs/contract.md §14.1), by `importSourceKey`. */
  imports: Map<string, ImportSourceRecord>
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
    imports: new Map(),
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

/** True when `d` is in [from, to) (an absent end is open). */
export const inRange = (d: Date, from?: Date, to?: Date): boolean =>
  (!from || d >= from) && (!to || d < to)

/**
 * One page of history rows (sorted in place), newest first by time then id, as the MySQL adapter
 * orders its history tables.
 */
export function newestPage<T extends { at: Date; id: string }>(
  rows: T[],
  page: { limit?: number; offset?: number },
  defaultLimit: number,
  maxLimit: number,
): T[] {
  const offset = pageOffset(page.offset)
  return rows
    .sort((a, b) => b.at.getTime() - a.at.getTime() || b.id.localeCompare(a.id))
    .slice(offset, offset + clampLimit(page.limit, defaultLimit, maxLimit))
}
