import type { Answer, Body } from './routes'

/**
 * The names the console gives the admin API's shapes. Each is taken from the generated route
 * types (`./openapi-types`, from openapi.json); none is a copy of its own.
 */
export type Me = Answer<'GET /admin/api/me'>
export type Account = Answer<'GET /admin/api/accounts'>['accounts'][number]
export type AccountInput = Body<'POST /admin/api/accounts'>
export type AccountPatch = Body<'PUT /admin/api/accounts'>

export type NodeView = Answer<'GET /admin/api/nodes'>['nodes'][number]
export type NodeStatus = NodeView['status']
export type NodeInput = Body<'POST /admin/api/nodes'>
export type NodePatch = Body<'PUT /admin/api/nodes'>
export type NodeCommand = 'activate' | 'enable' | 'disable'

export type ProxyKey = Answer<'GET /admin/api/keys'>['keys'][number]
export type KeyPatch = Body<'PUT /admin/api/keys'>

export type RoutingConfig = Answer<'GET /admin/api/config'>
export type RoutingConfigPatch = Body<'PUT /admin/api/config'>

export type UsageTotals = Exclude<Answer<'GET /admin/api/usage/summary'>, { groups: unknown }>
export type UsageGroup = Extract<
  Answer<'GET /admin/api/usage/summary'>,
  { groups: unknown }
>['groups'][number]

export type NotificationsOverview = Answer<'GET /admin/api/notifications'>
export type Channel = NotificationsOverview['channels'][number]
export type ChannelInput = Body<'POST /admin/api/notifications/channels'>
export type ChannelPatch = Body<'PUT /admin/api/notifications/channels'>
export type ChannelKind = ChannelInput['kind']
export type NotifyEventType = NonNullable<ChannelInput['events']>[number]

export type Tunnel = Answer<'GET /admin/api/tunnel'>
export type TunnelPatch = Body<'PUT /admin/api/tunnel'>

export type Series = Answer<'GET /admin/api/usage/series'>
export type SeriesPoint = Series['points'][number]
export type UsageLog = Answer<'GET /admin/api/usage/logs'>['logs'][number]
export type UsageLogPage = Answer<'GET /admin/api/usage/logs'>
export type HealthCheck = Answer<'GET /admin/api/health/history'>['checks'][number]
/** A check as a node's timeline shows it: from the history, or a live `health.check` event. */
export type TimelineCheck = Pick<HealthCheck, 'node_id' | 'at' | 'ok' | 'latency_ms' | 'error'>

export type Price = Answer<'GET /admin/api/pricing'>['pricing'][number]
export type PriceInput = Body<'PUT /admin/api/pricing'>
export type UnpricedModel = Answer<'GET /admin/api/pricing/unpriced'>['models'][number]

export type ShareLink = Answer<'GET /admin/api/shares'>['shares'][number]
/** The public monitor behind a share link: names and states only. */
export type SharedMonitorView = Answer<'GET /api/monitor/share/{token}'>

export type ClaudeConfigInput = Body<'POST /admin/api/claude-config'>
export type GeneratedClaudeConfig = Answer<'POST /admin/api/claude-config'>
export type EnvVar = Answer<'GET /admin/api/env'>['vars'][number]
export type AuditEntry = Answer<'GET /admin/api/audit'>['entries'][number]
export type Delivery = Answer<'GET /admin/api/notifications/deliveries'>['deliveries'][number]

/** The console events of `GET /admin/api/events` (apps/proxy/src/events/bus.ts); SSE, not JSON. */
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
  key_id: string
  node_id: string | null
  /** Upstream attempts made (docs/contract.md §12). */
  attempts: number
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
