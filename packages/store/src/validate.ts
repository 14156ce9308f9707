import { StoreError } from './errors'
import type { AccountSettings } from './types/accounts'
import type { HealthCheckMethod } from './types/nodes'

/** Every setting unset. */
export const EMPTY_SETTINGS: AccountSettings = {
  retries: null,
  failLimit: null,
  healthIntervalSec: null,
  stickyTtlSec: null,
}

const SETTING_BOUNDS: Record<keyof AccountSettings, [number, number]> = {
  retries: [0, 100],
  failLimit: [1, 1000],
  healthIntervalSec: [1, 3600],
  stickyTtlSec: [0, 86_400 * 30],
}

/** Merges a settings patch, checking bounds. @throws StoreError `invalid` */
export function mergeSettings(
  base: AccountSettings,
  patch: Partial<AccountSettings> | undefined,
): AccountSettings {
  const out = { ...base }
  for (const key of Object.keys(SETTING_BOUNDS) as (keyof AccountSettings)[]) {
    if (!patch || !(key in patch) || patch[key] === undefined) continue
    const v = patch[key]
    const [min, max] = SETTING_BOUNDS[key]
    if (v !== null && (!Number.isInteger(v) || v < min || v > max)) {
      throw new StoreError('invalid', `settings.${key} must be an integer from ${min} to ${max}`)
    }
    out[key] = v
  }
  return out
}

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

/** A password of 1 to 1024 characters (policy such as a minimum length is the proxy's). */
export function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length === 0 || password.length > 1024) {
    throw new StoreError('invalid', 'password must be a string of 1 to 1024 characters')
  }
  return password
}

/** An http(s) URL of at most 2048 characters. @throws StoreError `invalid` */
export function checkBaseUrl(url: unknown): string {
  if (typeof url !== 'string' || url.length > 2048) {
    throw new StoreError('invalid', 'baseUrl must be an http or https URL')
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new StoreError('invalid', 'baseUrl must be an http or https URL')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new StoreError('invalid', 'baseUrl must be an http or https URL')
  }
  return url
}

/** Weight: an integer from 1 to 1,000,000 (default 1). */
export function checkWeight(weight: unknown): number {
  if (weight === undefined) return 1
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > 1e6) {
    throw new StoreError('invalid', 'weight must be an integer from 1 to 1000000')
  }
  return weight
}

const METHODS: readonly HealthCheckMethod[] = ['api', 'count_tokens', 'head', 'cli']

/** The method given, else `api` with a key and `head` without (SPEC 6.2). */
export function checkMethod(method: unknown, hasKey: boolean): HealthCheckMethod {
  if (method === undefined || method === null || method === '') return hasKey ? 'api' : 'head'
  if (!METHODS.includes(method as HealthCheckMethod)) {
    throw new StoreError('invalid', `healthCheckMethod must be one of ${METHODS.join(', ')}`)
  }
  return method as HealthCheckMethod
}

/** A positive TTL of at most a year. */
export function checkTtl(ttlMs: unknown): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0 || ttlMs > 366 * 864e5) {
    throw new StoreError('invalid', 'ttlMs must be a positive number of milliseconds')
  }
  return Math.round(ttlMs)
}

/** Clamps a page size. */
export function clampLimit(limit: number | undefined, def: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return def
  return Math.max(1, Math.min(max, Math.floor(limit)))
}
