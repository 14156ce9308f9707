import { and, desc, eq, gte, lt } from 'drizzle-orm'
import type { HealthCheckStore } from '../interface'
import { clampLimit, pageOffset } from '../rows/fields'
import { newHealthCheckRow } from '../rows/health-checks'
import type { My } from './db'
import { healthChecks } from './schema'

/** Health-check history of the MySQL adapter (not a config change: no version bump). */
export function mysqlHealthChecks(m: My): HealthCheckStore {
  const { db } = m
  const h = healthChecks
  return {
    async recordHealthCheck(input) {
      const row = newHealthCheckRow(input)
      await db.insert(h).values(row)
      return row
    },
    async listHealthChecks(f) {
      return db
        .select()
        .from(h)
        .where(
          and(
            f.accountId ? eq(h.accountId, f.accountId) : undefined,
            f.nodeId ? eq(h.nodeId, f.nodeId) : undefined,
            f.source ? eq(h.source, f.source) : undefined,
            f.from ? gte(h.at, f.from) : undefined,
            f.to ? lt(h.at, f.to) : undefined,
          ),
        )
        .orderBy(desc(h.at), desc(h.id))
        .limit(clampLimit(f.limit, 300, 2000))
        .offset(pageOffset(f.offset))
    },
  }
}
