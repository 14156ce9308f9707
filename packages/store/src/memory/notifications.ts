import type { NotificationStore } from '../interface'
import { accountNotFound } from '../rows/fields'
import {
  channelChanges,
  channelNotFound,
  checkEventType,
  newChannelRow,
  newSubscription,
  openChannel,
} from '../rows/notifications'
import type { Mem } from './state'

/** Notification channels and subscriptions of the memory adapter. */
export function memoryNotifications(m: Mem): NotificationStore {
  const { state, ctx } = m
  const open = openChannel.bind(null, ctx.box)

  return {
    async createNotificationChannel(input) {
      if (!state.accounts.has(input.accountId)) throw accountNotFound()
      const row = newChannelRow(ctx, input)
      state.channels.set(row.id, row)
      m.changed()
      return open(row)
    },
    async getNotificationChannel(id) {
      const c = state.channels.get(id)
      return c ? open(c) : null
    },
    async listNotificationChannels(accountId) {
      return [...state.channels.values()]
        .filter((c) => !accountId || c.accountId === accountId)
        .map(open)
    },
    async updateNotificationChannel(id, patch) {
      const changes = channelChanges(ctx, id, patch)
      const c = state.channels.get(id)
      if (!c) return null
      const next = { ...c, ...changes }
      state.channels.set(id, next)
      m.changed()
      return open(next)
    },
    async deleteNotificationChannel(id) {
      if (!state.channels.delete(id)) return false
      for (const [k, s] of state.subscriptions) {
        if (s.channelId === id) state.subscriptions.delete(k)
      }
      m.changed()
      return true
    },
    async upsertNotificationSubscription(input) {
      const c = state.channels.get(input.channelId)
      if (!c) throw channelNotFound()
      const eventType = checkEventType(input.eventType)
      const enabled = input.enabled ?? true
      const existing = [...state.subscriptions.values()].find(
        (s) => s.channelId === c.id && s.eventType === eventType,
      )
      const row = existing ?? newSubscription(c, eventType, enabled, ctx.now())
      row.enabled = enabled
      state.subscriptions.set(row.id, row)
      m.changed()
      return { ...row }
    },
    async listNotificationSubscriptions(f) {
      return [...state.subscriptions.values()]
        .filter(
          (s) =>
            (!f?.accountId || s.accountId === f.accountId) &&
            (!f?.channelId || s.channelId === f.channelId) &&
            (!f?.eventType || s.eventType === f.eventType),
        )
        .map((s) => ({ ...s }))
    },
    async deleteNotificationSubscription(id) {
      const ok = state.subscriptions.delete(id)
      if (ok) m.changed()
      return ok
    },
  }
}
