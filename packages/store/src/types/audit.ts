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
