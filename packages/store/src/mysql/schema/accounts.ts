import { sql } from 'drizzle-orm'
import { boolean, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core'
import { idColumn, timestamp } from './columns'

/** Tenants and admins. The password is an scrypt hash string (`scrypt$N$r$p$salt$hash`). */
export const accounts = mysqlTable(
  'qcc_accounts',
  {
    id: idColumn('id').primaryKey(),
    name: varchar('name', { length: 128 }).notNull(),
    /** Names are unique regardless of case (`Admin` is `admin`): a stored lower-case copy. */
    // No NOT NULL: MariaDB refuses it on generated columns (the value is never null anyway).
    nameFolded: varchar('name_folded', { length: 128 }).generatedAlwaysAs(sql`lower(\`name\`)`, {
      mode: 'stored',
    }),
    passwordHash: varchar('password_hash', { length: 255 }).notNull(),
    isAdmin: boolean('is_admin').notNull().default(false),
    disabled: boolean('disabled').notNull().default(false),
    /** The operator-activated node (cleared when that node is deleted). */
    activeNodeId: idColumn('active_node_id'),
    /** Limits binding all the account's keys together, as JSON (docs/contract.md §10); NULL for none. */
    limits: text('limits'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('qcc_accounts_name_uq').on(t.name),
    uniqueIndex('qcc_accounts_name_folded_uq').on(t.nameFolded),
  ],
)

export type AccountDbRow = typeof accounts.$inferSelect
