/**
 * What the notification routes take and answer (validation and the OpenAPI document in one), and
 * how a stored channel is shown.
 */
import type { NotificationChannel, Store } from '@qcc/store'
import { z } from 'zod'
import { CHANNEL_KINDS, readChannelConfig } from './channels'
import { NOTIFY_EVENT_TYPES } from './events'

const eventType = z.enum(['*', ...NOTIFY_EVENT_TYPES])
const channelFields = {
  name: z.string().trim().min(1).max(100),
  kind: z.enum(CHANNEL_KINDS),
  url: z.url({ protocol: /^https?$/ }).max(2000),
  secret: z.string().max(500).nullable().optional(),
  enabled: z.boolean().optional(),
  events: z.array(eventType).max(20).optional(),
}
export const createChannelBody = z.strictObject({
  ...channelFields,
  account_id: z.string().optional(),
})
export const updateChannelBody = z.strictObject({
  name: channelFields.name.optional(),
  url: channelFields.url.optional(),
  secret: channelFields.secret,
  enabled: channelFields.enabled,
  events: channelFields.events,
})
export const idQuery = z.object({ id: z.string().min(1) })
export const accountQuery = z.object({ account_id: z.string().optional() })
export const listQuery = accountQuery.extend({ channel_id: z.string().optional() })
/** The part of a subscription body checked first: whose channel it is. */
export const channelRef = z.object({ channel_id: z.string().min(1) }).loose()
export const subscriptionBody = z.strictObject({
  channel_id: z.string().min(1),
  event_type: eventType,
  enabled: z.boolean().optional(),
})

const time = z.string().describe('RFC 3339 UTC')
export const channelAnswer = z.object({
  id: z.string(),
  account_id: z.string(),
  name: z.string(),
  kind: z.string(),
  enabled: z.boolean(),
  url: z.string().describe('scheme and host only: webhook URLs carry their secret'),
  has_secret: z.boolean(),
  events: z.array(z.string()),
  created_at: time,
  updated_at: time,
})
export const channelsAnswer = z.object({ channels: z.array(channelAnswer) })
export const eventTypesAnswer = z.object({ event_types: z.array(z.string()) })
export const overviewAnswer = channelsAnswer.extend({
  event_types: z.array(z.string()),
  channel_kinds: z.array(z.string()),
})
export const subscriptionAnswer = z.object({
  id: z.string(),
  channel_id: z.string(),
  event_type: z.string(),
  enabled: z.boolean(),
})
export const subscriptionsAnswer = z.object({
  subscriptions: z.array(subscriptionAnswer.extend({ created_at: time })),
})
/** One send as the notifier recorded it (notifier.ts); older records may lack fields. */
export const deliveriesAnswer = z.object({
  deliveries: z.array(
    z.object({
      id: z.string(),
      at: time,
      channel_id: z.string().nullable(),
      event_type: z.string().optional(),
      ok: z.boolean().optional(),
      attempts: z.number().int().optional(),
      status: z.number().int().nullable().optional(),
      error: z.string().nullable().optional(),
    }),
  ),
})

/** Scheme, host and a hint of the path: webhook URLs carry their secret in the path or query. */
function maskUrl(raw: string): string {
  try {
    const u = new URL(raw)
    return `${u.protocol}//${u.host}${u.pathname.length > 1 || u.search ? '/…' : ''}`
  } catch {
    return ''
  }
}

/** A channel as the API shows it: the URL masked, never the secret, its enabled event types. */
export async function channelView(
  store: Store,
  ch: NotificationChannel,
): Promise<z.infer<typeof channelAnswer>> {
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
