import { mysqlTable } from 'drizzle-orm/mysql-core'
import { idColumn, timestamp } from './columns'

/**
 * Ids of committed usage batches. Inserted first in each batch transaction, so a batch retried
 * after an ambiguous commit (connection lost after COMMIT) is recognised and not counted twice.
 */
export const usageBatches = mysqlTable('qcc_usage_batches', {
  id: idColumn('id').primaryKey(),
  createdAt: timestamp('created_at').notNull(),
})
