import { Hono } from 'hono'
import type { Account } from '@qcc/store'
import { z } from 'zod'
import { audit } from './audit'
import type { AdminDeps, AdminEnv } from './context'
import { ApiError } from './errors'
import type { TrustedProxies } from './request-meta'
import { targetAccount } from './roles'
import type { RouteDoc } from './route-doc'
import { configAnswer } from './responses'
import { TENANT_MIN_HEALTH_INTERVAL_SEC } from './tenant-caps'
import { jsonBody, queryOf } from './validate'

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
})

/**
 * Per-account settings: effective values (override, else env) plus the overrides themselves,
 * so the console can show which ones are inherited.
 */
function configView(account: Account, deps: AdminDeps): z.infer<typeof configAnswer> {
  const s = account.settings
  return {
    account_id: account.id,
    retries: s.retries ?? deps.env.PROXY_RETRY_MAX,
    fail_limit: s.failLimit ?? deps.env.PROXY_FAIL_THRESHOLD,
    health_interval_sec: s.healthIntervalSec ?? deps.env.PROXY_HEALTH_INTERVAL_SEC,
    sticky_ttl_sec: s.stickyTtlSec ?? deps.env.PROXY_STICKY_TTL_SEC,
    overrides: {
      retries: s.retries,
      fail_limit: s.failLimit,
      health_interval_sec: s.healthIntervalSec,
      sticky_ttl_sec: s.stickyTtlSec,
    },
  }
}

/** `GET|PUT /admin/api/config[?account_id=]`. */
export function configRoutes(deps: AdminDeps, trusted: TrustedProxies): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>()
  app.get('/config', async (c) => {
    const account = await targetAccount(c, deps, queryOf(c, configQuery).account_id)
    return c.json(configView(account, deps))
  })
  app.put('/config', async (c) => {
    const account = await targetAccount(c, deps, queryOf(c, configQuery).account_id)
    const body = await jsonBody(c, configBody)
    // A tenant's many nodes probed every second would flood whatever hosts they name (SPEC 9).
    const interval = body.health_interval_sec
    const tenant = !c.get('account').isAdmin
    if (tenant && typeof interval === 'number' && interval < TENANT_MIN_HEALTH_INTERVAL_SEC) {
      throw new ApiError(
        400,
        `health_interval_sec: at least ${TENANT_MIN_HEALTH_INTERVAL_SEC} when set by a tenant`,
      )
    }
    const updated = await deps.store.updateAccount(account.id, {
      settings: {
        retries: body.retries,
        failLimit: body.fail_limit,
        healthIntervalSec: body.health_interval_sec,
        stickyTtlSec: body.sticky_ttl_sec,
      },
    })
    await audit(c, deps, trusted, {
      action: 'config.update',
      accountId: account.id,
      targetType: 'account',
      targetId: account.id,
      detail: body,
    })
    deps.events.publish({
      type: 'config.changed',
      accountId: account.id,
      data: { at: new Date(deps.now()).toISOString() },
    })
    return c.json({ status: 'updated', ...configView(updated ?? account, deps) })
  })
  return app
}

export const configDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/admin/api/config',
    summary: 'Effective per-account settings and overrides',
    auth: 'session',
    query: configQuery,
    response: configAnswer,
  },
  {
    method: 'put',
    path: '/admin/api/config',
    summary: `Set per-account overrides (null unsets; health_interval_sec 1 to 3600, at least ${TENANT_MIN_HEALTH_INTERVAL_SEC} from a tenant)`,
    auth: 'session',
    query: configQuery,
    body: configBody,
  },
]
