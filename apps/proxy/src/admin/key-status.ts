import type { BlankEnv } from 'hono/types'
import { effectiveExpiry, extractTenantKey } from '@qcc/core'
import type { z } from 'zod'
import { isDefaultProxyKey } from '../default-credentials'
import type { AdminDeps } from './context'
import { ApiError } from './errors'
import { windowsOf } from './limit-windows'
import { limitsView, windowsView } from './limits-schema'
import { clientOrigin, type TrustedProxies } from './request-meta'
import { keyStatusAnswer } from './responses'
import { defineRoute, type RouteGroup } from './route-table'
import { LOOKUP_THROTTLE_DEFAULTS, LookupThrottle } from './throttle'
import { totals } from './usage'

const UNKNOWN = 'invalid api key'

/** 00:00 UTC of `now`'s day and of its month's first day (the usage totals' `today`, `month`). */
function periodStarts(now: number): { day: Date; month: Date } {
  const d = new Date(now)
  return {
    day: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())),
    month: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)),
  }
}

/**
 * `GET /key/status` (docs/contract.md §10, "Key holders help themselves"): a key's holder sends
 * the key as `x-api-key` or Bearer and learns its limits, windows, its account's windows and its
 * usage; nothing of other keys. No session and no cookies, so no CSRF. The default keys work from
 * this machine only, as on `/v1` (docs/contract.md §9). Failed lookups are throttled per address
 * like failed logins; a request without any key looks nothing up and is not counted.
 */
export function keyStatusRoutes(
  root: RouteGroup<BlankEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
): void {
  const { store } = deps
  const throttle = new LookupThrottle(LOOKUP_THROTTLE_DEFAULTS, deps.now)

  defineRoute(root, 'GET /key/status', {
    summary:
      "A proxy key's own limits, windows, account windows and usage (the key as x-api-key or " +
      'Bearer; unknown key 401; repeated failures from one address 429)',
    credential: 'proxy_key',
    response: keyStatusAnswer,
    handler: async (c) => {
      // Account data, errors included: never cached by browsers or proxies.
      c.header('cache-control', 'no-store')
      c.header('x-content-type-options', 'nosniff')
      const secret = extractTenantKey(c.req.raw.headers)
      if (secret === undefined) throw new ApiError('not_logged_in', UNKNOWN)
      const client = clientOrigin(c, trusted)
      const admission = throttle.admit(client.address)
      if (!admission.ok) {
        throw new ApiError('too_many_requests', 'too many failed key lookups, try again later', {
          'retry-after': String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000))),
        })
      }
      // A string compare first: a default key from elsewhere is a wrong key, not a lookup.
      const refusedDefault = isDefaultProxyKey(secret) && !client.loopback
      const resolved = refusedDefault ? null : store.resolveProxyKey(secret)
      if (!resolved) {
        admission.ticket.failed()
        deps.logger.info({ address: client.address }, 'key status: unknown key')
        throw new ApiError('not_logged_in', UNKNOWN)
      }
      admission.ticket.succeeded()
      const [keys, account] = await Promise.all([
        store.listProxyKeys(resolved.accountId),
        store.getAccount(resolved.accountId),
      ])
      const key = keys.find((k) => k.id === resolved.keyId)
      // Revoked or deleted since the index was read: as unknown as any other key.
      if (!key || key.revokedAt || !account) throw new ApiError('not_logged_in', UNKNOWN)
      const now = deps.now()
      const { day, month } = periodStarts(now)
      const filter = { accountId: account.id, keyId: key.id }
      const [today, thisMonth, total, windows] = await Promise.all([
        store.usageSummary({ ...filter, from: day }),
        store.usageSummary({ ...filter, from: month }),
        store.usageSummary(filter),
        windowsOf(
          deps.limits,
          [
            { scope: 'key', id: key.id, limits: key.limits },
            { scope: 'account', id: account.id, limits: account.limits },
          ],
          deps.logger,
        ),
      ])
      const firstUsedAt = key.firstUsedAt?.getTime() ?? resolved.firstUsedAt
      const expiresAt = effectiveExpiry(key.limits, account.limits, firstUsedAt)
      const answer: z.infer<typeof keyStatusAnswer> = {
        key: {
          name: key.name,
          prefix: key.prefix,
          account: account.name,
          expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString(),
        },
        limits: limitsView(key.limits),
        windows: windowsView(windows[0] ?? {}),
        account_windows: windowsView(windows[1] ?? {}),
        usage: {
          today: totals(today.total),
          month: totals(thisMonth.total),
          total: totals(total.total),
        },
      }
      return c.json(answer)
    },
  })
}
