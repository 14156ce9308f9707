/**
 * `/admin/api/notifications/*`: channels (CRUD), subscriptions, event types, a test send and the
 * delivery log. Each account manages its own channels; another tenant's channel answers 404.
 * Webhook URLs follow the node rule: tenants may not target private or loopback addresses
 * unless PROXY_ALLOW_PRIVATE_UPSTREAMS=true; metadata addresses are refused for everyone. The
 * check on save gives a clear 400; what protects is the notifier's connect-time check. A tenant
 * holds at most {@link TENANT_CHANNEL_CAP} channels (SPEC 9).
 */
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { Context } from 'hono'
import { Hono } from 'hono'
import type { NotificationChannel } from '@qcc/store'
import { z } from 'zod'
import type { AdminDeps, AdminEnv } from '../admin/context'
import { ApiError, notFound, renderAdminError } from '../admin/errors'
import { accountScope, targetAccount } from '../admin/roles'
import { checkUpstreamAddress, checkUpstreamUrl } from '../admin/upstream-policy'
import { jsonBody, queryOf } from '../admin/validate'
import { guardAdminPaths } from '../tunnel/guard'
import { CHANNEL_KINDS, readChannelConfig } from './channels'
import { NOTIFY_EVENT_TYPES } from './events'
import type { Notifier } from './notifier'

export interface NotifyRoutesDeps {
  admin: AdminDeps
  notifier: Notifier
}

const P = '/admin/api/notifications'
const eventType = z.enum(['*', ...NOTIFY_EVENT_TYPES])
const channelFields = {
  name: z.string().trim().min(1).max(100),
  kind: z.enum(CHANNEL_KINDS),
  url: z.url({ protocol: /^https?$/ }).max(2000),
  secret: z.string().max(500).nullable().optional(),
  enabled: z.boolean().optional(),
  events: z.array(eventType).max(20).optional(),
}
const createBody = z.strictObject({ ...channelFields, account_id: z.string().optional() })
const updateBody = z.strictObject({
  name: channelFields.name.optional(),
  url: channelFields.url.optional(),
  secret: channelFields.secret,
  enabled: channelFields.enabled,
  events: channelFields.events,
})
const idQuery = z.object({ id: z.string().min(1) })
const listQuery = z.object({ account_id: z.string().optional(), channel_id: z.string().optional() })
const subBody = z.strictObject({
  channel_id: z.string().min(1),
  event_type: eventType,
  enabled: z.boolean().optional(),
})
const DEFAULT_EVENTS = ['node.failed', 'node.recovered', 'node.switched', 'node.disabled']
/** Channels a tenant's account may hold (admins are not capped); one more is 409. */
export const TENANT_CHANNEL_CAP = 20

/** Scheme, host and a hint of the path: webhook URLs carry their secret in the path or query. */
function maskUrl(raw: string): string {
  try {
    const u = new URL(raw)
    return `${u.protocol}//${u.host}${u.pathname.length > 1 || u.search ? '/…' : ''}`
  } catch {
    return ''
  }
}

/** The notification routes with their own admin guards; mount before the admin API fallback. */
export function notifyRoutes(deps: NotifyRoutesDeps): Hono<AdminEnv> {
  const { admin, notifier } = deps
  const { store } = admin
  const app = new Hono<AdminEnv>()
  guardAdminPaths(app, admin, [P, `${P}/*`])

  const owned = async (c: Context<AdminEnv>, id: string): Promise<NotificationChannel> => {
    const channel = await store.getNotificationChannel(id)
    const me = c.get('account')
    if (!channel || (!me.isAdmin && channel.accountId !== me.id))
      throw notFound('channel not found')
    return channel
  }
  const checkUrl = async (c: Context<AdminEnv>, url: string): Promise<boolean> => {
    const allowPrivate = c.get('account').isAdmin || admin.env.PROXY_ALLOW_PRIVATE_UPSTREAMS
    const verdict = checkUpstreamUrl(url, { allowPrivate })
    if (!verdict.ok) throw new ApiError(400, `url: ${verdict.reason}`)
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '')
    if (isIP(host) === 0) {
      // Bounded: a name that does not resolve now is accepted; the connect-time check covers it.
      const found = await Promise.race([
        lookup(host, { all: true }).catch(() => []),
        new Promise<[]>((resolve) => setTimeout(() => resolve([]), 2000).unref()),
      ])
      for (const { address } of found) {
        const v = checkUpstreamAddress(address, { allowPrivate })
        if (!v.ok) throw new ApiError(400, `url: ${v.reason}`)
      }
    }
    return allowPrivate
  }
  const setEvents = async (channelId: string, events: string[]) => {
    const existing = await store.listNotificationSubscriptions({ channelId })
    for (const s of existing) {
      if (!events.includes(s.eventType)) await store.deleteNotificationSubscription(s.id)
    }
    for (const e of events) await store.upsertNotificationSubscription({ channelId, eventType: e })
  }
  const view = async (ch: NotificationChannel) => {
    const config = readChannelConfig(ch.config)
    const subs = await store.listNotificationSubscriptions({ channelId: ch.id })
    return {
      id: ch.id,
      account_id: ch.accountId,
      name: ch.name,
      kind: ch.kind,
      enabled: ch.enabled,
      url: maskUrl(config.url),
      has_secret: Boolean(config.secret),
      events: subs.filter((s) => s.enabled).map((s) => s.eventType),
      created_at: ch.createdAt.toISOString(),
      updated_at: ch.updatedAt.toISOString(),
    }
  }

  app.get(`${P}/event-types`, (c) => c.json({ event_types: NOTIFY_EVENT_TYPES }))

  // Overview for the console: the caller's own channels and what they can subscribe to.
  app.get(P, async (c) => {
    const channels = await store.listNotificationChannels(c.get('account').id)
    return c.json({
      event_types: NOTIFY_EVENT_TYPES,
      channel_kinds: CHANNEL_KINDS,
      channels: await Promise.all(channels.map(view)),
    })
  })

  app.get(`${P}/channels`, async (c) => {
    const q = queryOf(c, listQuery)
    const accountId = await accountScope(c, admin, q.account_id)
    const channels = await store.listNotificationChannels(accountId)
    return c.json({ channels: await Promise.all(channels.map(view)) })
  })

  app.post(`${P}/channels`, async (c) => {
    const account = await targetAccount(c, admin, c.req.query('account_id'))
    const body = await jsonBody(c, createBody)
    const owner = body.account_id ? await targetAccount(c, admin, body.account_id) : account
    if (!c.get('account').isAdmin) {
      const held = await store.listNotificationChannels(owner.id)
      if (held.length >= TENANT_CHANNEL_CAP) {
        throw new ApiError(
          409,
          `channel limit reached: an account may hold ${TENANT_CHANNEL_CAP} notification channels`,
        )
      }
    }
    const allowPrivate = await checkUrl(c, body.url)
    const channel = await store.createNotificationChannel({
      accountId: owner.id,
      name: body.name,
      kind: body.kind,
      config: { url: body.url, secret: body.secret ?? undefined, allowPrivate },
      enabled: body.enabled ?? true,
    })
    await setEvents(channel.id, body.events ?? DEFAULT_EVENTS)
    return c.json(await view(channel), 201)
  })

  app.put(`${P}/channels`, async (c) => {
    const channel = await owned(c, queryOf(c, idQuery).id)
    const body = await jsonBody(c, updateBody)
    const old = readChannelConfig(channel.config)
    const url = body.url ?? old.url
    const allowPrivate = body.url === undefined ? old.allowPrivate : await checkUrl(c, url)
    const secret = body.secret === undefined ? old.secret : (body.secret ?? undefined)
    const updated = await store.updateNotificationChannel(channel.id, {
      name: body.name,
      enabled: body.enabled,
      config: { url, secret, allowPrivate },
    })
    if (!updated) throw notFound('channel not found')
    if (body.events) await setEvents(channel.id, body.events)
    return c.json(await view(updated))
  })

  app.delete(`${P}/channels`, async (c) => {
    const channel = await owned(c, queryOf(c, idQuery).id)
    await store.deleteNotificationChannel(channel.id)
    return c.json({ ok: true })
  })

  app.post(`${P}/test`, async (c) => {
    const { id } = await jsonBody(c, idQuery)
    const result = await notifier.testSend(await owned(c, id))
    return c.json(result, result.ok ? 200 : 502)
  })

  app.get(`${P}/subscriptions`, async (c) => {
    const q = queryOf(c, listQuery)
    if (q.channel_id) await owned(c, q.channel_id)
    const accountId = q.channel_id ? undefined : await accountScope(c, admin, q.account_id)
    const subs = await store.listNotificationSubscriptions({ accountId, channelId: q.channel_id })
    return c.json({
      subscriptions: subs.map((s) => ({
        id: s.id,
        channel_id: s.channelId,
        event_type: s.eventType,
        enabled: s.enabled,
        created_at: s.createdAt.toISOString(),
      })),
    })
  })

  app.post(`${P}/subscriptions`, async (c) => {
    const raw = await jsonBody(c, z.object({ channel_id: z.string().min(1) }).loose())
    await owned(c, raw.channel_id)
    const body = await jsonBody(c, subBody)
    const s = await store.upsertNotificationSubscription({
      channelId: body.channel_id,
      eventType: body.event_type,
      enabled: body.enabled ?? true,
    })
    return c.json({
      id: s.id,
      channel_id: s.channelId,
      event_type: s.eventType,
      enabled: s.enabled,
    })
  })

  app.delete(`${P}/subscriptions`, async (c) => {
    const { id } = queryOf(c, idQuery)
    const me = c.get('account')
    const subs = await store.listNotificationSubscriptions(me.isAdmin ? {} : { accountId: me.id })
    if (!subs.some((s) => s.id === id)) throw notFound('subscription not found')
    await store.deleteNotificationSubscription(id)
    return c.json({ ok: true })
  })

  app.get(`${P}/deliveries`, async (c) => {
    const q = queryOf(c, listQuery)
    if (q.channel_id) await owned(c, q.channel_id)
    const accountId = await accountScope(c, admin, q.account_id)
    const rows = await store.listAudit({ accountId, action: 'notification.delivery', limit: 200 })
    return c.json({
      deliveries: rows
        .filter((r) => !q.channel_id || r.targetId === q.channel_id)
        .map((r) => ({ id: r.id, at: r.at.toISOString(), channel_id: r.targetId, ...r.detail })),
    })
  })

  app.onError((err, c) => renderAdminError(err, c, admin.logger))
  return app
}
