import { type Clock, PRICES } from '@qcc/core'
import { PasswordHasher, type ScryptParams } from './crypto/password'
import { SecretBox } from './crypto/secret-box'
import { ProxyKeyIndex } from './key-index'
import type { PriceInput } from './types/prices'
import type { UsageWriterOptions } from './usage/writer'

/** The system clock (core's `Clock` over `Date.now`). */
export const systemClock: Clock = { now: () => Date.now() }

/** Options common to both adapters. */
export interface CommonStoreConfig {
  /** 32 bytes (`QCC_SECRET_KEY` or the generated key file) sealing upstream keys at rest. */
  secretKey: Uint8Array
  /** Default: the system clock. */
  clock?: Clock
  /** Server pepper for proxy-key, session and share-token hashes (HMAC-SHA-256). Default none. */
  keyPepper?: string
  /**
   * Prices written once into a new database (later edits and deletions stick). Default: `PRICES`
   * from `@qcc/core` (base rates only); `[]` seeds nothing.
   */
  seedPrices?: readonly PriceInput[]
  /** scrypt cost for new password hashes. Default OWASP (N=2^17, r=8, p=1). */
  passwordHash?: ScryptParams
  /** Usage writer tuning (cap, batch size, intervals). */
  usage?: UsageWriterOptions
}

/** Config of the memory adapter: nothing persists. */
export interface MemoryStoreConfig extends CommonStoreConfig {
  kind: 'memory'
}

/** Config of the MySQL/MariaDB adapter. */
export interface MysqlStoreConfig extends CommonStoreConfig {
  kind: 'mysql'
  /** `mysql://user:pass@host:3306/db` or Go's `user:pass@tcp(host:3306)/db?parseTime=true`. */
  url: string
  pool?: {
    /** Default 10. */
    connectionLimit?: number
  }
  /** How often the change version is polled to refresh the proxy-key index. Default 2000 ms. */
  pollIntervalMs?: number
  /**
   * Apply pending migrations at open (under GET_LOCK), then store the secret key's check value,
   * re-seal old node keys and seed prices. Default true. With false, opening checks nothing about
   * the schema and writes nothing (a check value already there is still verified): what
   * `qcc import --dry-run` opens (docs/contract.md §14.1). Tables missing: StoreError `invalid`.
   */
  migrate?: boolean
}

/** What `createStore` takes: a discriminated union on `kind`. */
export type StoreConfig = MemoryStoreConfig | MysqlStoreConfig

/** Shared machinery both adapters build from their config. */
export interface StoreContext {
  clock: Clock
  box: SecretBox
  passwords: PasswordHasher
  keys: ProxyKeyIndex
  pepper: string | undefined
  /** The price seed (config or core's table). */
  seedPrices: readonly PriceInput[]
  now(): Date
}

/** Builds the shared machinery. @throws StoreError `invalid` for a bad secret key */
export function makeContext(config: CommonStoreConfig): StoreContext {
  const clock = config.clock ?? systemClock
  return {
    clock,
    box: new SecretBox(config.secretKey),
    passwords: new PasswordHasher(config.passwordHash),
    keys: new ProxyKeyIndex(config.keyPepper),
    pepper: config.keyPepper,
    seedPrices: config.seedPrices ?? PRICES,
    now: () => new Date(clock.now()),
  }
}
