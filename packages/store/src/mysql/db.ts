import type { MySql2Database } from 'drizzle-orm/mysql2'
import type { StoreContext } from '../config'
import { StoreError } from '../errors'
import type { ProxyKeyIndex } from '../key-index'
import type * as schema from './schema'

/** The drizzle handle over the pool. */
export type Db = MySql2Database<typeof schema>

/** A transaction handle (same query API as {@link Db}). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

/** What every MySQL module works on. */
export interface My {
  ctx: StoreContext
  db: Db
  /**
   * Runs `fn` in a transaction that also bumps the change version (unless `bumpIf` says no);
   * after the commit, `keys: true` reloads the proxy-key index and a function patches it in
   * place (queued behind any reload in flight, so an older reload cannot undo the patch).
   */
  mutate<T>(
    fn: (tx: Tx) => Promise<T>,
    options?: {
      keys?: boolean | ((index: ProxyKeyIndex, result: T) => void)
      bumpIf?: (result: T) => boolean
    },
  ): Promise<T>
  /** @throws StoreError `closed` after close */
  live(): void
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'POOL_CLOSED',
])

/** The mysql2 error code anywhere in the cause chain (drizzle wraps driver errors). */
export function dbErrorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (typeof e.code === 'string') return e.code
    e = e.cause as typeof e
  }
  return undefined
}

/** True for a unique-key violation. */
export function isDuplicate(error: unknown): boolean {
  return dbErrorCode(error) === 'ER_DUP_ENTRY'
}

/**
 * Turns a driver error into a StoreError without echoing the query or its parameters (drizzle's
 * message carries both).
 */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error
  const code = dbErrorCode(error) ?? 'UNKNOWN'
  if (code === 'ER_DUP_ENTRY') return new StoreError('conflict', 'already exists', { cause: error })
  if (code.startsWith('ER_DATA_TOO_LONG') || code.startsWith('ER_TRUNCATED')) {
    return new StoreError('invalid', `value does not fit (${code})`, { cause: error })
  }
  const what = NETWORK_CODES.has(code) ? 'database unreachable' : 'database error'
  return new StoreError('unavailable', `${what} (${code})`, { cause: error })
}

/** Wraps every async method so driver errors surface as StoreErrors. */
export function guard<T extends object>(methods: T): T {
  const out = {} as Record<string, unknown>
  for (const [name, fn] of Object.entries(methods)) {
    out[name] =
      typeof fn === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (fn as (...a: unknown[]) => Promise<unknown>)(...args)
            } catch (error) {
              throw toStoreError(error)
            }
          }
        : fn
  }
  return out as T
}
