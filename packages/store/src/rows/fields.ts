import { StoreError } from '../errors'

/** Trimmed non-empty name of at most `max` characters. @throws StoreError `invalid` */
export function checkName(name: unknown, what: string, max = 128): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > max) {
    throw new StoreError(
      'invalid',
      `${what} must be a non-empty string of at most ${max} characters`,
    )
  }
  return name.trim()
}

/** A page size: `def` when absent, else floored and clamped to 1..`max`. */
export function clampLimit(limit: number | undefined, def: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return def
  return Math.max(1, Math.min(max, Math.floor(limit)))
}

/** A page offset: 0 when absent, else floored and at least 0. */
export function pageOffset(offset: number | undefined): number {
  return Math.max(0, Math.floor(offset ?? 0))
}

/** The error both adapters throw when an account a record belongs to does not exist. */
export function accountNotFound(): StoreError {
  return new StoreError('not_found', 'account not found')
}
