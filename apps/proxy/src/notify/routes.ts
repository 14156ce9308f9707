/**
 * `/admin/api/notifications/*`: channels (CRUD), subscriptions, event types, a test send and the
 * delivery log. Each account manages its own channels; another tenant's channel answers 404.
 * Webhook URLs follow the node rule: tenants may not target private or loopback addresses
 * unless PROXY_ALLOW_PRIVATE_UPSTREAMS=true; metadata addresses are refused for everyone. The
 * check on save gives a clear 400; what protects is the notifier's connect-time check. A tenant
 * holds at most {@link TENANT_CHANNEL_CAP} channels (docs/contract.md §9).
 */
import type { Context } from 'hono'
import type { NotificationChannel } from '@qcc/store'
import type { AdminEnv, AdminRouteModule } from '../admin/context'
import { ApiError, notFound } from '../admin/errors'
import { accountScope, targetAccount } from '../admin/roles'
import { defineRoute } from '../admin/route-table'
import { jsonBody } from '../admin/validate'
import { checkSavedUrl } from '../outbound/saved-url-check'
import { CHANNEL_KINDS, readChannelConfig } from './channels'
import { NOTIFY_EVENT_TYPES } from './events'
import type { Notifier } from './notifier'
import {
  accountQuery,
  channelAnswer,
  channelRef,
  channelsAnswer,
  channelView,
  createChannelBody,
  deliveriesAnswer,
  eventTypesAnswer,
  idQuery,
  listQuery,
  overviewAnswer,
  subscriptionAnswer,
  subscriptionBody,
  subscriptionsAnswer,
  updateChannelBody,
} from './route-schemas'

const P = '/notifications'
const DEFAULT_EVENTS = ['node.failed', 'node.recovered', 'node.switched', 'node.disabled']
/** Channels a tenant's account may hold (admins are not capped); one more is 409. */
export const TENANT_CHANNEL_CAP = 20

/** The notification routes, for the admin API's mount (app.ts). */
export function notifyRoutes(notifier: Notifier): AdminRouteModule {
  return (api, deps) => {
    const { store } = deps
    const owned = async (c: Context<AdminEnv>, id: string): Promise<NotificationChannel> => {
      const channel = await store.getNotificationChannel(id)
      const me = c.get('account')
      if (!channel || (!me.isAdmin && channel.accountId !== me.id))
        throw notFound('channel not found')
      return channel
    }
    /** The saved-URL check as a 400 naming `url`; true when private addresses are allowed. */
    const checkUrl = async (c: Context<AdminEnv>, url: string): Promise<boolean> => {
      const allowPrivate = c.get('account').isAdmin || deps.env.PROXY_ALLOW_PRIVATE_UPSTREAMS
      const verdict = await checkSavedUrl(url, { allowPrivate })
      if (!verdict.ok) throw new ApiError('invalid_request', `url: ${verdict.reason}`)
      return allowPrivate
    }
    const setEvents = async (channelId: string, events: string[]) => {
      const existing = await store.listNotificationSubscriptions({ channelId })
      for (const s of existing) {
        if (!events.includes(s.eventType)) await store.deleteNotificationSubscription(s.id)
      }
      for (const e of events)
        await store.upsertNotificationSubscription({ channelId, eventType: e })
    }
    const view = (ch: NotificationChannel) => channelView(store, ch)

    defineRoute(api, `GET ${P}/event-types`, {
      summary: 'Event types a channel may subscribe to',
      response: eventTypesAnswer,
      handler: (c) => c.json({ event_types: NOTIFY_EVENT_TYPES }),
    })

    defineRoute(api, `GET ${P}`, {
      summary: "The caller's own channels, with the event types and channel kinds on offer",
      response: overviewAnswer,
      handler: async (c) => {
        const channels = await store.listNotificationChannels(c.get('account').id)
        return c.json({
          event_types: NOTIFY_EVENT_TYPES,
          channel_kinds: CHANNEL_KINDS,
          channels: await Promise.all(channels.map(view)),
        })
      },
    })

    defineRoute(api, `GET ${P}/channels`, {
      summary: "Notification channels of the caller's account (admins: account_id, or * for all)",
      query: listQuery,
      response: channelsAnswer,
      handler: async (c, { query }) => {
        const accountId = await accountScope(c, deps, query.account_id)
        const channels = await store.listNotificationChannels(accountId)
        return c.json({ channels: await Promise.all(channels.map(view)) })
      },
    })

    defineRoute(api, `POST ${P}/channels`, {
      summary: `Add a channel (to account_id, default the caller; a tenant account holds at most ${TENANT_CHANNEL_CAP}: 409 beyond)`,
      query: accountQuery,
      body: createChannelBody,
      response: channelAnswer,
      status: 201,
      handler: async (c, input) => {
        const account = await targetAccount(c, deps, input.query.account_id)
        const body = await input.body()
        const owner = body.account_id ? await targetAccount(c, deps, body.account_id) : account
        if (!c.get('account').isAdmin) {
          const held = await store.listNotificationChannels(owner.id)
          if (held.length >= TENANT_CHANNEL_CAP) {
            throw new ApiError(
              'conflict',
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
      },
    })

    defineRoute(api, `PUT ${P}/channels`, {
      summary: 'Update a channel (partial; secret null clears it)',
      query: idQuery,
      body: updateChannelBody,
      response: channelAnswer,
      handler: async (c, input) => {
        const channel = await owned(c, input.query.id)
        const body = await input.body()
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
      },
    })

    defineRoute(api, `DELETE ${P}/channels`, {
      summary: 'Delete a channel with its subscriptions',
      query: idQuery,
      handler: async (c, { query }) => {
        const channel = await owned(c, query.id)
        await store.deleteNotificationChannel(channel.id)
        return c.json({ ok: true })
      },
    })

    defineRoute(api, `POST ${P}/test`, {
      summary: 'Send a test message to a channel now (502 when the receiver refuses it)',
      body: idQuery,
      handler: async (c, input) => {
        const { id } = await input.body()
        const result = await notifier.testSend(await owned(c, id))
        return c.json(result, result.ok ? 200 : 502)
      },
    })

    defineRoute(api, `GET ${P}/subscriptions`, {
      summary: "Subscriptions of a channel, or of the caller's account",
      query: listQuery,
      response: subscriptionsAnswer,
      handler: async (c, { query: q }) => {
        if (q.channel_id) await owned(c, q.channel_id)
        const accountId = q.channel_id ? undefined : await accountScope(c, deps, q.account_id)
        const subs = await store.listNotificationSubscriptions({
          accountId,
          channelId: q.channel_id,
        })
        return c.json({
          subscriptions: subs.map((s) => ({
            id: s.id,
            channel_id: s.channelId,
            event_type: s.eventType,
            enabled: s.enabled,
            created_at: s.createdAt.toISOString(),
          })),
        })
      },
    })

    defineRoute(api, `POST ${P}/subscriptions`, {
      summary: 'Subscribe a channel to an event type (or enable or disable a subscription)',
      body: subscriptionBody,
      response: subscriptionAnswer,
      handler: async (c, input) => {
        // Whose channel it is comes first: another tenant's channel is 404 whatever the body says.
        await owned(c, (await jsonBody(c, channelRef)).channel_id)
        const body = await input.body()
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
      },
    })

    defineRoute(api, `DELETE ${P}/subscriptions`, {
      summary: 'Delete a subscription',
      query: idQuery,
      handler: async (c, { query }) => {
        const me = c.get('account')
        const mine = me.isAdmin ? {} : { accountId: me.id }
        const subs = await store.listNotificationSubscriptions(mine)
        if (!subs.some((s) => s.id === query.id)) throw notFound('subscription not found')
        await store.deleteNotificationSubscription(query.id)
        return c.json({ ok: true })
      },
    })

    defineRoute(api, `GET ${P}/deliveries`, {
      summary: 'Delivery log (the last 200 of the account, or of one channel)',
      query: listQuery,
      response: deliveriesAnswer,
      handler: async (c, { query: q }) => {
        if (q.channel_id) await owned(c, q.channel_id)
        const accountId = await accountScope(c, deps, q.account_id)
        const rows = await store.listAudit({
          accountId,
          action: 'notification.delivery',
          limit: 200,
        })
        return c.json({
          deliveries: rows
            .filter((r) => !q.channel_id || r.targetId === q.channel_id)
            .map((r) => ({
              id: r.id,
              at: r.at.toISOString(),
              channel_id: r.targetId,
              ...r.detail,
            })),
        })
      },
    })
  }
}
