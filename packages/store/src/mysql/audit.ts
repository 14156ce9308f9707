import { and, desc, eq, gte, lt } from 'drizzle-orm'
import type { AuditStore } from '../interface'
import { newAuditRecord } from '../rows/audit'
import { clampLimit, pageOffset } from '../rows/fields'
import type { AuditRecord } from '../types/audit'
import type { My } from './db'
import { auditLog } from './schema'

/** A stored entry as returned, its detail parsed back from JSON. */
const toAudit = (row: typeof auditLog.$inferSelect): AuditRecord => ({
  ...row,
  detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
})

/** The audit log of the MySQL adapter (not a config change: no version bump). */
export function mysqlAudit(m: My): AuditStore {
  const { db, ctx } = m
  const a = auditLog
  return {
    async appendAudit(input) {
      const record = newAuditRecord(input, ctx.now())
      const row = { ...record, detail: record.detail ? JSON.stringify(record.detail) : null }
      await db.insert(a).values(row)
      return toAudit(row)
    },
    async listAudit(f = {}) {
      const rows = await db
        .select()
        .from(a)
        .where(
          and(
            f.accountId ? eq(a.accountId, f.accountId) : undefined,
            f.actorId ? eq(a.actorId, f.actorId) : undefined,
            f.action ? eq(a.action, f.action) : undefined,
            f.from ? gte(a.at, f.from) : undefined,
            f.to ? lt(a.at, f.to) : undefined,
          ),
        )
        .orderBy(desc(a.at), desc(a.id))
        .limit(clampLimit(f.limit, 100, 1000))
        .offset(pageOffset(f.offset))
      return rows.map(toAudit)
    },
  }
}
