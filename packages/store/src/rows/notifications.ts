import type { StoreContext } from '../config'
import type { SecretBox } from '../crypto/secret-box'
import { newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type {
  CreateNotificationChannelInput,
  NotificationChannel,
  NotificationSubscription,
  UpdateNotificationChannelInput,
} from '../types/notifications'
import { checkName } from './fields'

/** A channel row: the channel with its config sealed (webhook URLs carry secrets). */
export interface ChannelRow extends Omit<NotificationChannel, 'config'> {
  configEnc: string
}

/** AAD binding a sealed channel config to its channel. */
const channelAad = (id: string): string => `channel:${id}`

/** A channel config must be a plain object; sealed as JSON. @throws StoreError `invalid` */
function sealConfig(box: SecretBox, id: string, config: unknown): string {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new StoreError('invalid', 'channel config must be an object')
  }
  return box.seal(JSON.stringify(config), channelAad(id))
}

/** The error of a channel that does not exist. */
export function channelNotFound(): StoreError {
  return new StoreError('not_found', 'channel not found')
}

/** A new channel row from checked input. @throws StoreError `invalid` */
export function newChannelRow(
  ctx: StoreContext,
  input: CreateNotificationChannelInput,
): ChannelRow {
  const id = newId()
  const now = ctx.now()
  return {
    id,
    accountId: input.accountId,
    name: checkName(input.name, 'channel name'),
    kind: checkName(input.kind, 'channel kind', 32),
    configEnc: sealConfig(ctx.box, id, input.config),
    enabled: input.enabled ?? true,
    createdAt: now,
    updatedAt: now,
  }
}

/** The column changes of a channel patch, checked, a new config sealed. */
export function channelChanges(
  ctx: StoreContext,
  id: string,
  patch: UpdateNotificationChannelInput,
): Partial<ChannelRow> & { updatedAt: Date } {
  const set: Partial<ChannelRow> & { updatedAt: Date } = { updatedAt: ctx.now() }
  if (patch.name !== undefined) set.name = checkName(patch.name, 'channel name')
  if (patch.kind !== undefined) set.kind = checkName(patch.kind, 'channel kind', 32)
  if (patch.enabled !== undefined) set.enabled = Boolean(patch.enabled)
  if (patch.config !== undefined) set.configEnc = sealConfig(ctx.box, id, patch.config)
  return set
}

/** The channel as returned, its config opened. */
export function openChannel(box: SecretBox, { configEnc, ...c }: ChannelRow): NotificationChannel {
  return {
    ...c,
    config: JSON.parse(box.open(configEnc, channelAad(c.id))) as Record<string, unknown>,
  }
}

/** A checked event type of a subscription. @throws StoreError `invalid` */
export function checkEventType(eventType: unknown): string {
  return checkName(eventType, 'event type', 64)
}

/** A new subscription of `channel` to a checked event type. */
export function newSubscription(
  channel: Pick<ChannelRow, 'id' | 'accountId'>,
  eventType: string,
  enabled: boolean,
  now: Date,
): NotificationSubscription {
  return {
    id: newId(),
    accountId: channel.accountId,
    channelId: channel.id,
    eventType,
    enabled,
    createdAt: now,
  }
}
