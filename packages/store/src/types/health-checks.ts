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
  /** At most 1000 characters are kept. */
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
