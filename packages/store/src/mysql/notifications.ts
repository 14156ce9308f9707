import { and, asc, eq } from 'drizzle-orm'
import type { NotificationStore } from '../interface'
import {
  channelChanges,
  channelNotFound,
  checkEventType,
  newChannelRow,
  newSubscription,
  openChannel,
} from '../rows/notifications'
import { requireAccount } from './accounts'
import type { My } from './db'
import { notificationChannels, notificationSubscriptions } from './schema'

/** Notification channels and subscriptions of the MySQL adapter. */
export function mysqlNotifications(m: My): NotificationStore {
  const { db, ctx } = m
  const c = notificationChannels
  const sub = notificationSubscriptions
  const open = openChannel.bind(null, ctx.box)
  const getChannel = async (id: string) => (await db.select().from(c).where(eq(c.id, id)))[0]

  return {
    async createNotificationChannel(input) {
      await requireAccount(db, input.accountId)
      const row = newChannelRow(ctx, input)
      await m.mutate((tx) => tx.insert(c).values(row))
      return open(row)
    },
    async getNotificationChannel(id) {
      const row = await getChannel(id)
      return row ? open(row) : null
    },
    async listNotificationChannels(accountId) {
      const rows = await db
        .select()
        .from(c)
        .where(accountId ? eq(c.accountId, accountId) : undefined)
        .orderBy(asc(c.createdAt), asc(c.id))
      return rows.map(open)
    },
    async updateNotificationChannel(id, patch) {
      const set = channelChanges(ctx, id, patch)
      const [res] = await m.mutate((tx) => tx.update(c).set(set).where(eq(c.id, id)))
      if (res.affectedRows === 0) return null
      const row = await getChannel(id)
      return row ? open(row) : null
    },
    async deleteNotificationChannel(id) {
      return m.mutate(async (tx) => {
        const [res] = await tx.delete(c).where(eq(c.id, id))
        await tx.delete(sub).where(eq(sub.channelId, id))
        return res.affectedRows > 0
      })
    },
    async upsertNotificationSubscription(input) {
      const channel = await getChannel(input.channelId)
      if (!channel) throw channelNotFound()
      const eventType = checkEventType(input.eventType)
      const enabled = input.enabled ?? true
      const row = newSubscription(channel, eventType, enabled, ctx.now())
      await m.mutate((tx) => tx.insert(sub).values(row).onDuplicateKeyUpdate({ set: { enabled } }))
      const [saved] = await db
        .select()
        .from(sub)
        .where(and(eq(sub.channelId, channel.id), eq(sub.eventType, eventType)))
      return saved ?? row
    },
    async listNotificationSubscriptions(f) {
      return db
        .select()
        .from(sub)
        .where(
          and(
            f?.accountId ? eq(sub.accountId, f.accountId) : undefined,
            f?.channelId ? eq(sub.channelId, f.channelId) : undefined,
            f?.eventType ? eq(sub.eventType, f.eventType) : undefined,
          ),
        )
        .orderBy(asc(sub.createdAt), asc(sub.id))
    },
    async deleteNotificationSubscription(id) {
      return m.mutate(
        async (tx) => (await tx.delete(sub).where(eq(sub.id, id)))[0].affectedRows > 0,
        { bumpIf: (ok) => ok },
      )
    },
  }
}
