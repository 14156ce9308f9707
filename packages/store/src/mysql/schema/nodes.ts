import { boolean, int, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core'
import type { AuthHeaderMode, HealthCheckMethod } from '@qcc/core'
import { idColumn, timestamp } from './columns'

/** Upstream nodes. `api_key_enc` is AES-256-GCM sealed (`v1.<keyId>.<iv>.<ct>.<tag>`). */
export const nodes = mysqlTable(
  'qcc_nodes',
  {
    id: idColumn('id').primaryKey(),
    accountId: idColumn('account_id').notNull(),
    name: varchar('name', { length: 128 }).notNull(),
    baseUrl: varchar('base_url', { length: 2048 }).notNull(),
    apiKeyEnc: text('api_key_enc'),
    apiKeyHint: varchar('api_key_hint', { length: 4 }),
    weight: int('weight').notNull().default(1),
    disabled: boolean('disabled').notNull().default(false),
    healthCheckMethod: varchar('health_check_method', { length: 16 })
      .$type<HealthCheckMethod>()
      .notNull(),
    healthCheckModel: varchar('health_check_model', { length: 128 }),
    allowPrivate: boolean('allow_private').notNull().default(false),
    /** Provisioned by an admin into another account, or from env: its owner may not repoint it. */
    managed: boolean('managed').notNull().default(false),
    // Node policies (docs/contract.md §13); the defaults keep the behaviour from before them.
    authHeader: varchar('auth_header', { length: 16 })
      .$type<AuthHeaderMode>()
      .notNull()
      .default('x-api-key'),
    /** JSON list of model ids; NULL: every model. */
    models: text('models'),
    /** JSON `{requested: upstream}`; NULL: none. */
    modelMap: text('model_map'),
    /** JSON list of error rules; NULL: none. */
    errorRules: text('error_rules'),
    noFailover: boolean('no_failover').notNull().default(false),
    stripToolFields: boolean('strip_tool_fields').notNull().default(false),
    /** NULL: the account's sticky TTL. */
    stickyTtlSec: int('sticky_ttl_sec'),
    /** JSON `{name: value}`, sealed like `api_key_enc` (another AAD purpose). */
    extraHeadersEnc: text('extra_headers_enc'),
    /** JSON list of the sealed headers' names (shown in the record). */
    extraHeaderNames: text('extra_header_names'),
    /** Last `POST /nodes/unstick`; replicas that see it move drop their bindings to the node. */
    unstuckAt: timestamp('unstuck_at'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [uniqueIndex('qcc_nodes_account_name_uq').on(t.accountId, t.name)],
)

export type NodeDbRow = typeof nodes.$inferSelect
