import type { AdminHttp } from './http'
import { request } from './routes'
import type { ChannelInput, ChannelPatch, Delivery, NotificationsOverview } from './types'

/** Notification channels (webhooks), a test send and the recent deliveries. */
export function notificationsApi(http: AdminHttp) {
  return {
    overview: (): Promise<NotificationsOverview> => request(http, 'GET /admin/api/notifications'),
    deliveries: async (): Promise<Delivery[]> =>
      (await request(http, 'GET /admin/api/notifications/deliveries')).deliveries,
    createChannel: async (input: ChannelInput): Promise<void> => {
      await request(http, 'POST /admin/api/notifications/channels', { body: input })
    },
    updateChannel: async (id: string, patch: ChannelPatch): Promise<void> => {
      await request(http, 'PUT /admin/api/notifications/channels', { query: { id }, body: patch })
    },
    removeChannel: async (id: string): Promise<void> => {
      await request(http, 'DELETE /admin/api/notifications/channels', { query: { id } })
    },
    test: async (id: string): Promise<void> => {
      await request(http, 'POST /admin/api/notifications/test', { body: { id } })
    },
  }
}
