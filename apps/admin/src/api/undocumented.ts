import type { AdminRoutes } from './openapi-types'

/**
 * The answers openapi.json does not describe yet, typed by hand after the proxy's handlers
 * (apps/proxy/src/admin, notify/routes.ts). The checks at the end stop compiling once the
 * document describes one, so its copy here is deleted then.
 */

/** The totals every usage answer carries; openapi.json documents them for the summary. */
type UsageTotals = Exclude<
  AdminRoutes['GET /admin/api/usage/summary']['answer'],
  { groups: unknown }
>

export interface SeriesPoint extends UsageTotals {
  at: string
}

export interface Series {
  bucket: 'minute' | 'hour' | 'day'
  from: string
  to: string
  points: SeriesPoint[]
}

export interface UsageLog {
  request_id: string
  account_id: string
  key_id: string | null
  node_id: string | null
  model: string | null
  status: number
  success: boolean
  attempts: number
  input_tokens: number
  output_tokens: number
  cache_creation_input_tokens: number
  cache_read_input_tokens: number
  cost_usd: number
  ttfb_ms: number | null
  duration_ms: number | null
  at: string
}

export interface HealthCheck {
  node_id: string
  at: string
  ok: boolean
  latency_ms: number | null
  error: string | null
  method?: string
  source?: string
}

/** A model's prices: what `PUT /pricing` takes, plus when they last changed. */
export type Price = AdminRoutes['PUT /admin/api/pricing']['body'] & { updated_at?: string }

export interface ShareLink {
  id: string
  account_id: string
  prefix: string
  created_at: string
  expires_at: string | null
  revoked_at: string | null
}

/** The public monitor behind a share link: names and states only. */
export interface SharedMonitorView {
  account_name: string
  updated_at: string
  expires_at: string | null
  nodes: {
    id: string
    name: string
    status: string
    active: boolean
    requests: number
    errors: number
    last_success_at: string | null
  }[]
}

export interface GeneratedClaudeConfig {
  config_json: string
  download_url: string
  expires_at: string
  install_cmd: { unix: string; windows: string }
}

export interface EnvVar {
  name: string
  value: string | null
  secret: boolean
}

export interface AuditEntry {
  id: string
  at: string
  actor_id: string
  account_id: string | null
  action: string
  target_type: string | null
  target_id: string | null
  ip: string | null
  detail: Record<string, unknown> | null
}

export interface Delivery {
  id: string
  at: string
  channel_id: string | null
  ok?: boolean
  status?: number
  event_type?: string
  error?: string
}

/** Routes in openapi.json whose success answer it leaves undescribed. */
export interface UndocumentedAnswers {
  'GET /admin/api/usage/logs': { logs: UsageLog[] }
  'GET /admin/api/usage/series': Series
  'GET /admin/api/health/history': { checks: HealthCheck[] }
  'GET /admin/api/pricing': { pricing: Price[] }
  'GET /admin/api/shares': { shares: ShareLink[] }
  'POST /admin/api/shares': { share_url: string }
  'POST /admin/api/keys/rotate': { key: string }
  'POST /admin/api/claude-config': GeneratedClaudeConfig
  'GET /admin/api/env': { vars: EnvVar[] }
  'GET /admin/api/audit': { entries: AuditEntry[] }
  'GET /api/monitor/share/{token}': SharedMonitorView
  'GET /admin/api/notifications/deliveries': { deliveries: Delivery[] }
}

type Holds<T extends true> = T
type DocumentsAnswer<R> = R extends keyof AdminRoutes
  ? unknown extends AdminRoutes[R]['answer']
    ? false
    : true
  : false
/** Breaks once openapi.json documents one of the answers above: use its shape and drop ours. */
export type _AnswersStillUndocumented = Holds<
  true extends DocumentsAnswer<keyof UndocumentedAnswers> ? false : true
>
/** Breaks when an undocumented answer names a route openapi.json does not have. */
export type _UndocumentedRoutesListed = Holds<
  keyof UndocumentedAnswers extends keyof AdminRoutes ? true : false
>
