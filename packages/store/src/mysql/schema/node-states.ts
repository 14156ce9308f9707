import { bigint, int, mysqlTable, varchar } from 'drizzle-orm/mysql-core'
import type { NodeStatus } from '@qcc/core'
import { idColumn, timestamp } from './columns'

/** Persisted node runtime state; `version` makes every transition a compare-and-set. */
export const nodeStates = mysqlTable('qcc_node_states', {
  nodeId: idColumn('node_id').primaryKey(),
  status: varchar('status', { length: 16 }).$type<NodeStatus>().notNull(),
  coolingUntil: timestamp('cooling_until'),
  failReason: varchar('fail_reason', { length: 1000 }),
  consecutiveFailures: int('consecutive_failures').notNull().default(0),
  lastFailureAt: timestamp('last_failure_at'),
  lastSuccessAt: timestamp('last_success_at'),
  lastProbeAt: timestamp('last_probe_at'),
  version: bigint('version', { mode: 'number' }).notNull(),
})

export type NodeStateDbRow = typeof nodeStates.$inferSelect
