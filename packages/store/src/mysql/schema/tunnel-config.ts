import { boolean, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core'
import { timestamp } from './columns'

/** The Cloudflare tunnel settings, one row with id 'default'; the API token is sealed. */
export const tunnelConfig = mysqlTable('qcc_tunnel_config', {
  id: varchar('id', { length: 16 }).primaryKey(),
  enabled: boolean('enabled').notNull(),
  subdomain: varchar('subdomain', { length: 128 }),
  zone: varchar('zone', { length: 255 }),
  apiTokenEnc: text('api_token_enc'),
  updatedAt: timestamp('updated_at').notNull(),
})
