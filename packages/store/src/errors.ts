/** Closed set of failure kinds a store reports. */
export type StoreErrorCode =
  | 'conflict'
  | 'not_found'
  | 'invalid'
  | 'secret_key_mismatch'
  | 'schema_conflict'
  | 'unavailable'
  | 'closed'

/**
 * The one error class thrown by `@qcc/store`.
 *
 * `retryable` tells callers whether the same call may succeed later (a database that is down)
 * or never will (a duplicate name, a wrong secret key).
 */
export class StoreError extends Error {
  override readonly name = 'StoreError'
  /** What went wrong, from a closed union. */
  readonly code: StoreErrorCode
  /** True when retrying the same call later can succeed. */
  readonly retryable: boolean

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.retryable = code === 'unavailable'
  }
}

/** True when `error` is a {@link StoreError}, optionally with the given code. */
export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code)
}
