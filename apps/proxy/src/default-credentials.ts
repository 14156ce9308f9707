/**
 * The well-known secrets qcc falls back to when none are configured (docs/contract.md §2, 6.3) work from
 * this machine only (docs/contract.md §9): anywhere else they are refused exactly like a wrong secret.
 *
 * The check is on the secret presented, not on the account: whoever presents a default and is
 * not on loopback is refused, so nothing has to know whether the default is still set (if
 * `admin123` is given and would verify, the default is still set). This also covers the same
 * strings chosen by hand later.
 */
import type { Store } from '@qcc/store'
import { isLoopbackAddress } from './http/client-origin'
import type { Logger } from './observability/logger'

/** `ADMIN_PASSWORD`'s default, the bootstrap admin's password until someone changes it. */
export const DEFAULT_ADMIN_PASSWORD = 'admin123'
/** Memory mode's default account password (it has no variable). */
export const DEFAULT_TENANT_PASSWORD = 'default123'
/** `ADMIN_API_KEY`'s default. */
export const DEFAULT_ADMIN_API_KEY = 'admin'
/** `DEFAULT_PROXY_API_KEY`'s default (memory mode's default account). */
export const DEFAULT_TENANT_PROXY_KEY = 'default-proxy-key'

/** True for a default login password (a plain string compare: nothing is hashed). */
export function isDefaultPassword(password: string): boolean {
  return password === DEFAULT_ADMIN_PASSWORD || password === DEFAULT_TENANT_PASSWORD
}

/** True for a default proxy key (a plain string compare, before any lookup). */
export function isDefaultProxyKey(secret: string): boolean {
  return secret === DEFAULT_ADMIN_API_KEY || secret === DEFAULT_TENANT_PROXY_KEY
}

/**
 * True when the listener accepts connections on loopback only (`127.0.0.1:8000`,
 * `[::1]:8000`, `localhost:8000`); `:8000`, `0.0.0.0` and other addresses are reachable from
 * elsewhere.
 */
export function listensOnLoopbackOnly(host: string | undefined): boolean {
  if (host === undefined) return false
  return host === 'localhost' || isLoopbackAddress(host)
}

export interface DefaultsInForce {
  mode: 'memory' | 'mysql'
  /** `ADMIN_PASSWORD` as configured (its default when unset). */
  adminPassword: string
  /** Whether a proxy key resolves (a synchronous in-memory lookup: no hashing of passwords). */
  keyResolves: (secret: string) => boolean
}

/**
 * Which defaults are (or may be) in force, in words for the log. The admin password is judged
 * by `ADMIN_PASSWORD`: checking the stored hash would cost a 128 MiB scrypt at every start.
 */
export function defaultsInForce(input: DefaultsInForce): string[] {
  const found: string[] = []
  if (input.adminPassword === DEFAULT_ADMIN_PASSWORD) {
    found.push(`password ${DEFAULT_ADMIN_PASSWORD} of admin (unless changed in the console)`)
  }
  if (input.mode === 'memory') found.push(`password ${DEFAULT_TENANT_PASSWORD} of default`)
  for (const key of [DEFAULT_ADMIN_API_KEY, DEFAULT_TENANT_PROXY_KEY]) {
    if (input.keyResolves(key)) found.push(`proxy key ${key}`)
  }
  return found
}

/**
 * At start-up: when the listener is reachable from elsewhere and a default is in force, says
 * that the defaults work from loopback clients only and how to set real ones.
 */
export function warnAboutDefaults(
  listenHost: string | undefined,
  input: { mode: 'memory' | 'mysql'; adminPassword: string; store: Store },
  log: Logger,
): void {
  if (listensOnLoopbackOnly(listenHost)) return
  const defaults = defaultsInForce({
    mode: input.mode,
    adminPassword: input.adminPassword,
    keyResolves: (secret) => input.store.resolveProxyKey(secret) !== null,
  })
  if (defaults.length === 0) return
  log.warn(
    {
      defaults,
      fix: 'set ADMIN_PASSWORD, ADMIN_API_KEY and DEFAULT_PROXY_API_KEY before the first start, or change the password and keys in the console',
    },
    'default credentials work from loopback clients only: requests from other addresses get 401',
  )
}
