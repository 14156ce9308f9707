/** Why a health check ran. */
export type HealthCheckSource = 'scheduled' | 'recovery' | 'proxy_fail' | 'warmup' | 'sweep'

/** One health-check result. */
export interface HealthCheckRecord {
  id: string
  accountId: string
  nodeId: string
  at: Date
  ok: boolean
  latencyMs: number | null
  /** HTTP status when one was received. */
  status: number | null
  error: string | null
  method: string
  source: HealthCheckSource
}

/** Input of `recordHealthCheck`. */
export type HealthCheckInput = Omit<HealthCheckRecord, 'id'>

/** Filter of `listHealthChecks`, newest first; `limit` default 300, capped at 2000. */
export interface HealthCheckFilter {
  accountId?: string
  nodeId?: string
  from?: Date
  to?: Date
  source?: HealthCheckSource
  limit?: number
  offset?: number
}

/** Price of a model, USD per million tokens. */
export interface PriceRecord {
  model: string
  inputPerMTok: number
  outputPerMTok: number
  cacheWrite5mPerMTok: number
  cacheWrite1hPerMTok: number
  cacheReadPerMTok: number
  updatedAt: Date
}

/** Input of `upsertPrice` and of the price seed. */
export type PriceInput = Omit<PriceRecord, 'updatedAt'>

/** A monitor share link. The token is a bearer secret kept only as a hash. */
export interface ShareLink {
  id: string
  accountId: string
  /** First 8 characters of the token. */
  prefix: string
  createdBy: string | null
  createdAt: Date
  expiresAt: Date | null
  revokedAt: Date | null
}

/** Input of `createShareLink`. */
export interface CreateShareLinkInput {
  accountId: string
  createdBy?: string | null
  /** Null or absent: never expires. */
  expiresAt?: Date | null
}

/** A notification channel. `config` (webhook URLs and such) is encrypted at rest. */
export interface NotificationChannel {
  id: string
  accountId: string
  name: string
  /** For example `wechat_work`, `webhook`. */
  kind: string
  config: Record<string, unknown>
  enabled: boolean
  createdAt: Date
  updatedAt: Date
}

/** Input of `createNotificationChannel`. */
export interface CreateNotificationChannelInput {
  accountId: string
  name: string
  kind: string
  config: Record<string, unknown>
  enabled?: boolean
}

/** Patch of `updateNotificationChannel`. */
export type UpdateNotificationChannelInput = Partial<
  Omit<CreateNotificationChannelInput, 'accountId'>
>

/** A subscription of a channel to one event type (unique per channel and event type). */
export interface NotificationSubscription {
  id: string
  accountId: string
  channelId: string
  eventType: string
  enabled: boolean
  createdAt: Date
}

/** Input of `upsertNotificationSubscription`. */
export interface NotificationSubscriptionInput {
  channelId: string
  eventType: string
  enabled?: boolean
}

/** One audit-log entry of an admin action. */
export interface AuditRecord {
  id: string
  at: Date
  actorId: string | null
  /** The account the action was about (for tenant-scoped listing). */
  accountId: string | null
  action: string
  targetType: string | null
  targetId: string | null
  ip: string | null
  /** Never put secrets here. */
  detail: Record<string, unknown> | null
}

/** Input of `appendAudit`; `at` defaults to the store clock. */
export type AuditInput = Partial<Omit<AuditRecord, 'id' | 'action'>> & { action: string }

/** Filter of `listAudit`, newest first; `limit` default 100, capped at 1000. */
export interface AuditFilter {
  accountId?: string
  actorId?: string
  action?: string
  from?: Date
  to?: Date
  limit?: number
  offset?: number
}

/** Cloudflare tunnel settings (one per installation). The API token is encrypted at rest. */
export interface TunnelConfig {
  enabled: boolean
  subdomain: string | null
  zone: string | null
  apiToken: string | null
  updatedAt: Date
}

/** Patch of `setTunnelConfig`. */
export type TunnelConfigInput = Partial<Omit<TunnelConfig, 'updatedAt'>>

/** Options of `retention`. */
export interface RetentionOptions {
  /** Raw usage rows older than this are deleted (rollups are kept). */
  usageRawDays: number
  /** Health-check rows older than this are deleted. */
  healthDays: number
  /**
   * Minute rollups older than this are deleted (hour and day rollups are kept). Default: kept.
   * Summaries whose range edges fall in that older period are then exact to the hour only.
   */
  minuteRollupDays?: number
}

/** What `retention` removed. */
export interface RetentionResult {
  usageEvents: number
  healthChecks: number
  sessions: number
  minuteRollups: number
  /** Expired one-time download links (used or not). */
  downloadLinks: number
}
