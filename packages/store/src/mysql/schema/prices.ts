import { decimal, mysqlTable, varchar } from 'drizzle-orm/mysql-core'
import { timestamp } from './columns'

const price = (name: string) => decimal(name, { precision: 12, scale: 6 }).notNull()

/** Model prices in USD per million tokens, seeded once from the price data file. */
export const prices = mysqlTable('qcc_prices', {
  model: varchar('model', { length: 256 }).primaryKey(),
  inputPerMTok: price('input_per_mtok'),
  outputPerMTok: price('output_per_mtok'),
  cacheWrite5mPerMTok: price('cache_write_5m_per_mtok'),
  cacheWrite1hPerMTok: price('cache_write_1h_per_mtok'),
  cacheReadPerMTok: price('cache_read_per_mtok'),
  updatedAt: timestamp('updated_at').notNull(),
})
