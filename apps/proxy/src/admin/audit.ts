import type { Context } from 'hono'
import { z } from 'zod'
import type { AdminDeps, AdminEnv } from './context'
import { clientAddress, type TrustedProxies } from './request-meta'
import { accountScope } from './roles'
import { auditAnswer } from './responses'
import { defineRoute, type RouteGroup } from './route-table'

export interface AuditEntry {
  action: string
  accountId: string | null
  targetType?: string
  targetId?: string
  /** Never secrets: names and flags only. */
  detail?: Record<string, unknown>
}

/** Records an admin action; a failing audit write is logged, it never fails the action itself. */
export async function audit(
  c: Context<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
  entry: AuditEntry,
): Promise<void> {
  try {
    await deps.store.appendAudit({
      actorId: c.get('account').id,
      accountId: entry.accountId,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ip: clientAddress(c, trusted) || null,
      detail: entry.detail ?? null,
    })
  } catch (err) {
    deps.logger.warn({ err, action: entry.action }, 'audit write failed')
  }
}

export const auditQuery = z.object({
  account_id: z.string().optional(),
  action: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
})

/** `GET /admin/api/audit`: admins see every account's entries, tenants their own account's. */
export function auditRoutes(api: RouteGroup<AdminEnv>, deps: AdminDeps): void {
  defineRoute(api, 'GET /audit', {
    summary: 'Audit log of admin actions, newest first',
    query: auditQuery,
    response: auditAnswer,
    handler: async (c, { query: q }) => {
      const accountId = await accountScope(
        c,
        deps,
        q.account_id ?? (c.get('account').isAdmin ? '*' : undefined),
      )
      const entries = await deps.store.listAudit({
        accountId,
        action: q.action,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
        offset: q.offset,
      })
      return c.json({
        entries: entries.map((e) => ({
          id: e.id,
          at: e.at.toISOString(),
          actor_id: e.actorId,
          account_id: e.accountId,
          action: e.action,
          target_type: e.targetType,
          target_id: e.targetId,
          ip: e.ip,
          detail: e.detail,
        })),
      })
    },
  })
}
