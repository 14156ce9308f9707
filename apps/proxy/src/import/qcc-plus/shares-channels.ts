/**
 * `monitor_shares`, `notification_channels` and `notification_subscriptions` (docs/contract.md
 * §14.1): the same share tokens keep working (stored hashed), revoked and expired ones are
 * imported as such; WeCom channels (`wechat_work`, `wechat_personal`) become `wechat_work` with
 * the webhook sealed; subscriptions keep the event types qcc knows.
 */
import type { ImportSourceRecord } from '@qcc/store'
import { NOTIFY_EVENT_TYPES } from '../../notify/events'
import { count, flushRemembered, readAll, remembered, syncRow, type ImportContext } from './context'
import { bool, json, text, time } from './source-values'

/** qcc_plus event types under qcc's names (the tunnel's are `system.*` there). */
const EVENT_NAMES: Record<string, string> = {
  'system.tunnel_started': 'tunnel.started',
  'system.tunnel_stopped': 'tunnel.stopped',
  'system.tunnel_error': 'tunnel.error',
}

/** The source account of a row was imported; else the row is skipped (with the reason). */
function accountOf(
  ctx: ImportContext,
  table: string,
  id: string,
  name: string | null,
  accountId: string,
) {
  const account = ctx.accounts.get(accountId)
  if (account) return account
  const reason = ctx.skippedAccounts.has(accountId)
    ? 'account skipped'
    : `account ${accountId} is not in the source`
  ctx.report.skip(table, id, name, reason)
  return null
}

/** Imports the monitor shares. */
export async function importShares(ctx: ImportContext): Promise<void> {
  const rows = await readAll(
    ctx,
    'monitor_shares',
    'SELECT id, account_id, token, expire_at, created_at, revoked, revoked_at FROM monitor_shares ORDER BY created_at, id',
  )
  const known = await remembered(ctx, 'monitor_shares')
  const links = new Map(
    (await ctx.store.listShareLinks({ includeRevoked: true })).map((l) => [l.id, l]),
  )
  const pending: ImportSourceRecord[] = []
  try {
    for (const r of rows) {
      const id = text(r.id) ?? ''
      const account = accountOf(ctx, 'monitor_shares', id, null, text(r.account_id) ?? '')
      if (!account) continue
      const token = text(r.token) ?? ''
      if (token.length < 16 || token.length > 512) {
        ctx.report.skip(
          'monitor_shares',
          id,
          null,
          'token shorter than 16 or longer than 512 characters',
        )
        continue
      }
      const revoked = bool(r.revoked)
      const revokedAt = revoked ? (time(r.revoked_at) ?? ctx.now()) : null
      const expiresAt = time(r.expire_at)
      const rec = known.get(id)
      const link = rec ? links.get(rec.targetId) : undefined
      if (link && rec && expiresAt?.getTime() !== link.expiresAt?.getTime()) {
        ctx.report.skip(
          'monitor_shares',
          id,
          null,
          "its expiry changed; qcc keeps a link's expiry (share again)",
        )
        continue
      }
      const out = await syncRow(ctx, {
        table: 'monitor_shares',
        sourceId: id,
        payload: { account: account.targetId, token, expiresAt, revoked },
        known,
        pending,
        exists: (t) => links.has(t),
        create: () =>
          ctx.writes.createShareLink({
            accountId: account.targetId,
            token,
            expiresAt,
            revokedAt,
            createdAt: time(r.created_at) ?? ctx.now(),
          }),
        // Only revocation can change on a link (its token and expiry are fixed).
        update: async (t) => {
          if (revoked && links.get(t)?.revokedAt === null) await ctx.writes.revokeShareLink(t)
        },
      })
      count(ctx, 'monitor_shares', out.outcome)
    }
  } finally {
    await flushRemembered(ctx, pending)
  }
}

/** Imports the channels, then their subscriptions. */
export async function importChannels(ctx: ImportContext): Promise<void> {
  const rows = await readAll(
    ctx,
    'notification_channels',
    'SELECT id, account_id, channel_type, name, config, enabled FROM notification_channels ORDER BY created_at, id',
  )
  const known = await remembered(ctx, 'notification_channels')
  const channels = new Set((await ctx.store.listNotificationChannels()).map((c) => c.id))
  const mapped = new Map<string, string>()
  const pending: ImportSourceRecord[] = []
  try {
    for (const r of rows) {
      const id = text(r.id) ?? ''
      const name = text(r.name) || id
      const account = accountOf(ctx, 'notification_channels', id, name, text(r.account_id) ?? '')
      if (!account) continue
      const type = text(r.channel_type) ?? ''
      if (type !== 'wechat_work' && type !== 'wechat_personal') {
        ctx.report.skip('notification_channels', id, name, `channel type ${type} is not supported`)
        continue
      }
      const config = json(r.config) as { webhook_url?: unknown } | undefined
      const url = typeof config?.webhook_url === 'string' ? config.webhook_url : ''
      if (!/^https?:\/\//.test(url)) {
        ctx.report.skip('notification_channels', id, name, 'no http(s) webhook_url')
        continue
      }
      const fields = { name, kind: 'wechat_work', config: { url }, enabled: bool(r.enabled) }
      const out = await syncRow(ctx, {
        table: 'notification_channels',
        sourceId: id,
        payload: fields,
        known,
        pending,
        exists: (t) => channels.has(t),
        create: () => ctx.writes.createChannel({ accountId: account.targetId, ...fields }),
        update: (t) => ctx.writes.updateChannel(t, fields),
      })
      count(ctx, 'notification_channels', out.outcome)
      mapped.set(id, out.targetId)
    }
  } finally {
    await flushRemembered(ctx, pending)
  }
  await importSubscriptions(ctx, mapped)
}

async function importSubscriptions(
  ctx: ImportContext,
  channels: Map<string, string>,
): Promise<void> {
  const rows = await readAll(
    ctx,
    'notification_subscriptions',
    'SELECT id, account_id, channel_id, event_type, enabled FROM notification_subscriptions ORDER BY id',
  )
  const known = await remembered(ctx, 'notification_subscriptions')
  const subs = new Set((await ctx.store.listNotificationSubscriptions()).map((s) => s.id))
  const qccTypes = new Set<string>(NOTIFY_EVENT_TYPES)
  const pending: ImportSourceRecord[] = []
  try {
    for (const r of rows) {
      const id = text(r.id) ?? ''
      const raw = text(r.event_type) ?? ''
      const eventType = EVENT_NAMES[raw] ?? raw
      if (!accountOf(ctx, 'notification_subscriptions', id, raw, text(r.account_id) ?? '')) continue
      const channelId = channels.get(text(r.channel_id) ?? '')
      if (!channelId) {
        ctx.report.skip('notification_subscriptions', id, raw, 'its channel was not imported')
        continue
      }
      if (!qccTypes.has(eventType)) {
        ctx.report.skip('notification_subscriptions', id, raw, 'qcc has no such event')
        continue
      }
      const enabled = bool(r.enabled)
      const write = () => ctx.writes.subscribe(channelId, eventType, enabled)
      const out = await syncRow(ctx, {
        table: 'notification_subscriptions',
        sourceId: id,
        payload: { channelId, eventType, enabled },
        known,
        pending,
        exists: (t) => subs.has(t),
        create: write,
        update: async () => void (await write()),
      })
      count(ctx, 'notification_subscriptions', out.outcome)
    }
  } finally {
    await flushRemembered(ctx, pending)
  }
}
