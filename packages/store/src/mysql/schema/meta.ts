import { bigint, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core'

/**
 * Installation-wide values: `owner` = 'qcc' (proves the tables are ours), `secret_check` (a
 * value sealed with the secret key, checked at open), `change_version` (the replica change
 * counter in `num`), `prices_seeded`.
 */
export const meta = mysqlTable('qcc_meta', {
  name: varchar('name', { length: 64 }).primaryKey(),
  value: text('value'),
  num: bigint('num', { mode: 'number' }).notNull().default(0),
})

export type MetaRow = typeof meta.$inferSelect
