export const VERSION = '0.1.0'

export { createStore } from './create-store'
export { migrateMysql } from './migrate-cli'
export { parseMysqlDsn, type MysqlDsn } from './mysql/dsn'
export { parseSecretKey } from './crypto/secret-box'
export { loadSecretKey, SECRET_KEY_FILE, type LoadedSecretKey } from './crypto/key-file'
export { OWASP_SCRYPT, type ScryptParams } from './crypto/password'
export type {
  CommonStoreConfig,
  MemoryStoreConfig,
  MysqlStoreConfig,
  StoreClock,
  StoreConfig,
} from './config'
export { systemClock } from './config'
export { StoreError, isStoreError, type StoreErrorCode } from './errors'
export type { Store } from './interface'
export type * from './types/accounts'
export type * from './types/nodes'
export type * from './types/usage'
export type * from './types/extras'
export type * from './types/download-links'
export type { UsageWriterOptions } from './usage/writer'
