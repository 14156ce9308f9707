import { effectiveSettings } from '@qcc/core'
import type { Account } from '@qcc/store'
import { z } from 'zod'
import { envSettings } from '../routing/settings'
import { audit } from './audit'
import { publishConfigChanged } from './config-events'
import type { AdminDeps, AdminEnv } from './context'
import { ApiError } from './errors'
import type { TrustedProxies } from './request-meta'
import { targetAccount } from './roles'
import { defineRoute, type RouteGroup } from './route-table'
import { configAnswer } from './responses'
import { TENANT_MIN_HEALTH_INTERVAL_SEC } from './tenant-caps'

export const configQuery = z.object({ account_id: z.string().max(64).optional() })
// null unsets an override (back to the env value, read live)
export const configBody = z.object({
  retries: z.number().int().min(1).max(20).nullable().optional(),
  fail_limit: z.number().int().min(1).max(100).nullable().optional(),
  health_interval_sec: z.number().int().min(1).max(3600).nullable().optional(),
  sticky_ttl_sec: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .nullable()
    .optional(),
  // docs/contract.md §13: how a bound session weighs cache against cost, and when a slow node's
  // bindings break (0: never, even when the env sets a limit).
  sticky_policy: z.enum(['cache_first', 'cost_first']).nullable().optional(),
  sticky_break_ttfb_ms: z.number().int().min(0).max(600_000).nullable().optional(),
})

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000)
// The store keeps core's milliseconds; absent (keep) and null (unset) pass through.
const millis = (sec: number | null | undefined) => (typeof sec === 'number' ? sec * 1000 : sec)

/**
 * Per-account settings: the values in force (core's `effectiveSettings`, as routing applies
 * them) plus the overrides themselves, so the console can show which ones are inherited.
 */
function configView(account: Account, deps: AdminDeps): z.infer<typeof configAnswer> {
  const s = account.settings
  const e = effectiveSettings(s, envSettings(deps.env))
  return {
    account_id: account.id,
    retries: e.retryMax,
    fail_limit: e.failThreshold,
    health_interval_sec: e.healthIntervalMs / 1000,
    sticky_ttl_sec: e.stickyTtlMs / 1000,
    sticky_policy: e.stickyPolicy ?? 'cache_first',
    sticky_break_ttfb_ms: e.stickyBreakTtfbMs ?? null,
    overrides: {
      retries: s.retryMax,
      fail_limit: s.failThreshold,
      health_interval_sec: seconds(s.healthIntervalMs),
      sticky_ttl_sec: seconds(s.stickyTtlMs),
      sticky_policy: s.stickyPolicy ?? null,
      sticky_break_ttfb_ms: s.stickyBreakTtfbMs ?? null,
    },
  }
}

/** `GET|PUT /admin/api/config[?account_id=]`. */
export function configRoutes(
  api: RouteGroup<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
): void {
  defineRoute(api, 'GET /config', {
    summary: 'Effective per-account settings and overrides',
    query: configQuery,
    response: configAnswer,
    handler: async (c, { query }) => {
      const account = await targetAccount(c, deps, query.account_id)
      return c.json(configView(account, deps))
    },
  })
  defineRoute(api, 'PUT /config', {
    summary: `Set per-account overrides (null unsets; health_interval_sec 1 to 3600, at least ${TENANT_MIN_HEALTH_INTERVAL_SEC} from a tenant)`,
    query: configQuery,
    body: configBody,
    handler: async (c, input) => {
      const account = await targetAccount(c, deps, input.query.account_id)
      const body = await input.body()
      // A tenant's many nodes probed every second would flood whatever hosts they name (docs/contract.md §9).
      const interval = body.health_interval_sec
      const tenant = !c.get('account').isAdmin
      if (tenant && typeof interval === 'number' && interval < TENANT_MIN_HEALTH_INTERVAL_SEC) {
        throw new ApiError(
          'invalid_request',
          `health_interval_sec: at least ${TENANT_MIN_HEALTH_INTERVAL_SEC} when set by a tenant`,
        )
      }
      const updated = await deps.store.updateAccount(account.id, {
        settings: {
          retryMax: body.retries,
          failThreshold: body.fail_limit,
          healthIntervalMs: millis(body.health_interval_sec),
          stickyTtlMs: millis(body.sticky_ttl_sec),
          stickyPolicy: body.sticky_policy,
          stickyBreakTtfbMs: body.sticky_break_ttfb_ms,
        },
      })
      await audit(c, deps, trusted, {
        action: 'config.update',
        accountId: account.id,
        targetType: 'account',
        targetId: account.id,
        detail: body,
      })
      publishConfigChanged(deps, account.id)
      return c.json({ status: 'updated', ...configView(updated ?? account, deps) })
    },
  })
}
