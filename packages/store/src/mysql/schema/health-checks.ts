import { boolean, index, int, mysqlTable, varchar } from 'drizzle-orm/mysql-core'
import type { HealthCheckSource } from '../../types/health-checks'
import { idColumn, timestamp } from './columns'

/** Health-check history (probes are not tenant usage). */
export const healthChecks = mysqlTable(
  'qcc_health_checks',
  {
    id: idColumn('id').primaryKey(),
    accountId: idColumn('account_id').notNull(),
    nodeId: idColumn('node_id').notNull(),
    at: timestamp('at').notNull(),
    ok: boolean('ok').notNull(),
    latencyMs: int('latency_ms'),
    status: int('status'),
    error: varchar('error', { length: 1000 }),
    method: varchar('method', { length: 20 }).notNull(),
    source: varchar('source', { length: 20 }).$type<HealthCheckSource>().notNull(),
  },
  (t) => [
    index('qcc_health_checks_node_at_idx').on(t.nodeId, t.at),
    index('qcc_health_checks_account_at_idx').on(t.accountId, t.at),
    index('qcc_health_checks_at_idx').on(t.at),
  ],
)
