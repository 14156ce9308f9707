import type { StoreConfig } from './config'
import { StoreError } from './errors'
import type { Store } from './interface'
import { createMemoryStore } from './memory/store'

/**
 * Opens a store. `kind: 'memory'` keeps everything in process; `kind: 'mysql'` connects, checks
 * the schema and the secret key, and applies pending migrations.
 *
 * @throws StoreError `secret_key_mismatch` when the database was written with another key,
 *   `schema_conflict` when it holds another schema under qcc's table names, `unavailable` when
 *   it cannot be reached, `invalid` for a bad config.
 * @example
 * const store = await createStore({ kind: 'memory', secretKey: randomBytes(32) })
 */
export async function createStore(config: StoreConfig): Promise<Store> {
  switch (config.kind) {
    case 'memory':
      return createMemoryStore(config)
    case 'mysql': {
      const { createMysqlStore } = await import('./mysql/store')
      return createMysqlStore(config)
    }
    default:
      throw new StoreError('invalid', `unknown store kind ${(config as { kind: unknown }).kind}`)
  }
}
