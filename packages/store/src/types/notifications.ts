/** A notification channel. `config` (webhook URLs and such) is encrypted at rest. */
export interface NotificationChannel {
  id: string
  accountId: string
  name: string
  /** For example `wechat_work`, `webhook`. */
  kind: string
  config: Record<string, unknown>
  enabled: boolean
  createdAt: Date
  updatedAt: Date
}

/** Input of `createNotificationChannel`. */
export interface CreateNotificationChannelInput {
  accountId: string
  name: string
  kind: string
  config: Record<string, unknown>
  enabled?: boolean
}

/** Patch of `updateNotificationChannel`. */
export type UpdateNotificationChannelInput = Partial<
  Omit<CreateNotificationChannelInput, 'accountId'>
>

/** A subscription of a channel to one event type (unique per channel and event type). */
export interface NotificationSubscription {
  id: string
  accountId: string
  channelId: string
  eventType: string
  enabled: boolean
  createdAt: Date
}

/** Input of `upsertNotificationSubscription`. */
export interface NotificationSubscriptionInput {
  channelId: string
  eventType: string
  enabled?: boolean
}

/** Filter of `listNotificationSubscriptions`, oldest first. */
export interface NotificationSubscriptionFilter {
  accountId?: string
  channelId?: string
  eventType?: string
}
