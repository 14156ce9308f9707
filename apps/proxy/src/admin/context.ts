import type { Account, CreateDownloadLinkInput, Store } from '@qcc/store'
import type { Env } from '../env'
import type { EventBus } from '../events/bus'
import type { Logger } from '../observability/logger'
import type { RedisLink } from '../redis/connection'
import type { LimitWindowSource } from './limit-windows'
import type { TrustedProxies } from './request-meta'
import type { RouteGroup } from './route-table'

/** What every admin route module is built from. */
export interface AdminDeps {
  store: Store
  env: Env
  logger: Logger
  events: EventBus
  /** Idle lifetime of a login session; each use renews it. */
  sessionTtlMs: number
  /** Hard cap on a session's age, renewals or not. */
  sessionMaxAgeMs: number
  now: () => number
  /** Aborted when the server starts shutting down: live event streams end at once. */
  shutdown?: AbortSignal
  /** This replica's routing applying admin changes; mutations answer once it has (docs/contract.md §9). */
  routing?: RoutingBarrier
  /** True while qcc's Cloudflare Tunnel runs (its `cf-connecting-ip` then names the client). */
  tunnelRunning?: () => boolean
  /** Names each admin request (`x-qcc-request-id`, `request_id` in error bodies). */
  newRequestId: () => string
  /**
   * The limit counters' windows (docs/contract.md §10), shown in key and account lists and
   * `/key/status`; absent: every `windows` is `{}`.
   */
  limits?: LimitWindowSource
  /**
   * Drops this replica's sticky bindings to a node at once and answers how many it dropped
   * (`POST /nodes/unstick`, docs/contract.md §13); other replicas drop theirs when they reload
   * the node and see its `unstuckAt` move. Absent: nothing to drop here (0).
   */
  unstickNode?: (nodeId: string) => number
  /**
   * The replicas' shared Redis (docs/contract.md §11): with it, login throttling counts across
   * replicas and download links live there. Absent: both stay in this process and the store.
   */
  redis?: RedisLink
  /** Where settings.json download links are kept (default: Redis when `redis` is set, else the store). */
  downloadLinks?: DownloadLinks
}

/**
 * One-time settings.json download links (docs/contract.md §9: a link works once, for 10 minutes,
 * on any replica). The store's (`createDownloadLink`/`consumeDownloadLink`) or Redis's
 * (redis/download-links.ts).
 */
export interface DownloadLinks {
  /** Keeps `payload` until `expiresAt` under a new unguessable token, returned once. */
  create(input: CreateDownloadLinkInput): Promise<{ token: string }>
  /** The payload of a live link, exactly once across replicas; else null. */
  consume(token: string): Promise<string | null>
}

/**
 * Read your writes: `position()` before a mutation, `settled(position)` after it resolves once
 * every routing update the mutation started (through `config.changed`) is in force here.
 */
export interface RoutingBarrier {
  position(): number
  settled(position: number): Promise<void>
}

/** Hono env of the admin API: the session middleware sets the caller. */
export type AdminEnv = {
  Variables: {
    account: Account
    sessionId: string
    requestId: string
  }
}

/**
 * A route module of another area (tunnel, notifications): defines its routes in the admin API,
 * behind the same guards as every other admin route.
 */
export type AdminRouteModule = (
  api: RouteGroup<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
) => void
