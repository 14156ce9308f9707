/** Shapes of the admin API answers the console reads (see apps/proxy/src/admin). */
export type NodeStatus = 'healthy' | 'cooling' | 'failed' | 'disabled'

export interface NodeView {
  id: string
  account_id: string
  name: string
  base_url: string
  weight: number
  status: NodeStatus
  failed: boolean
  disabled: boolean
  active: boolean
  has_api_key: boolean
  /** Provisioned by an admin or from env: a tenant may not change its URL, key or health check. */
  managed?: boolean
  api_key_hint?: string | null
  health_check_method?: string
  health_check_model?: string | null
  last_error: string | null
  fail_count: number
  requests: number
  errors?: number
  input_tokens?: number
  output_tokens?: number
  last_probe_at?: string | null
  last_success_at?: string | null
}

export interface NodeInput {
  name?: string
  base_url?: string
  api_key?: string | null
  weight?: number
  health_check_method?: 'api' | 'head' | 'cli'
  health_check_model?: string | null
}

export interface UsageTotals {
  requests: number
  errors: number
  input_tokens: number
  output_tokens: number
  cache_creation_input_tokens: number
  cache_read_input_tokens: number
  cost_usd: number
  bytes?: number
  avg_duration_ms: number | null
  avg_ttfb_ms: number | null
}

export interface UsageGroup extends UsageTotals {
  key: string
  name: string | null
}

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

export interface Account {
  id: string
  name: string
  is_admin: boolean
  disabled?: boolean
  key_prefix: string | null
  created_at: string
}

export interface ProxyKey {
  id: string
  account_id: string
  name: string | null
  prefix: string
  created_at: string
  revoked_at: string | null
  last_used_at: string | null
}

export interface Price {
  model: string
  input_per_mtok: number
  output_per_mtok: number
  cache_write_5m_per_mtok: number
  cache_write_1h_per_mtok: number
  cache_read_per_mtok: number
  updated_at?: string
}

export interface ShareLink {
  id: string
  account_id: string
  prefix: string
  created_at: string
  expires_at: string | null
  revoked_at: string | null
}

/** The console events of `GET /admin/api/events` (apps/proxy/src/events/bus.ts). */
export interface NodeStateEvent {
  node_id: string
  account_id: string
  from: string
  to: string
  reason: string
  at: string
}
export interface RequestEvent {
  request_id: string
  account_id: string
  node_id: string | null
  model: string | null
  status: number
  duration_ms: number
  at: string
}
export interface HealthEvent {
  node_id: string
  account_id: string
  ok: boolean
  latency_ms: number | null
  error: string | null
  at: string
}
