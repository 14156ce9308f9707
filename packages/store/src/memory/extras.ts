import { displayPrefix, generateSecret, hashSecret, newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import type { NotificationChannel } from '../types/extras'
import { channelAad, checkChannelConfig, checkHealthCheck, checkPrice } from '../validate-extras'
import { checkName, clampLimit } from '../validate'
import type { ChannelRow, Mem } from './state'

type ExtraMethods = Pick<
  Store,
  | 'recordHealthCheck'
  | 'listHealthChecks'
  | 'listPrices'
  | 'upsertPrice'
  | 'deletePrice'
  | 'createShareLink'
  | 'getShareLink'
  | 'listShareLinks'
  | 'deleteShareLink'
  | 'createNotificationChannel'
  | 'getNotificationChannel'
  | 'listNotificationChannels'
  | 'updateNotificationChannel'
  | 'deleteNotificationChannel'
  | 'upsertNotificationSubscription'
  | 'listNotificationSubscriptions'
  | 'deleteNotificationSubscription'
>

const inRange = (d: Date, from?: Date, to?: Date) => (!from || d >= from) && (!to || d < to)

/** Health history, pricing, share links and notifications of the memory adapter. */
export function memoryExtras(m: Mem): ExtraMethods {
  const { state, ctx } = m
  const toChannel = ({ configSealed, ...c }: ChannelRow): NotificationChannel => ({
    ...c,
    config: JSON.parse(ctx.box.open(configSealed, channelAad(c.id))) as Record<string, unknown>,
  })
  const page = <T>(rows: T[], limit: number, offset?: number) => {
    const o = Math.max(0, Math.floor(offset ?? 0))
    return rows.slice(o, o + limit)
  }

  return {
    async recordHealthCheck(input) {
      const row = { ...checkHealthCheck(input), id: newId() }
      state.health.push(row)
      return { ...row }
    },
    async listHealthChecks(f) {
      const rows = state.health
        .filter(
          (h) =>
            (!f.accountId || h.accountId === f.accountId) &&
            (!f.nodeId || h.nodeId === f.nodeId) &&
            (!f.source || h.source === f.source) &&
            inRange(h.at, f.from, f.to),
        )
        .sort((a, b) => b.at.getTime() - a.at.getTime() || b.id.localeCompare(a.id))
      return page(rows, clampLimit(f.limit, 300, 2000), f.offset).map((h) => ({ ...h }))
    },

    async listPrices() {
      return [...state.prices.values()]
        .sort((a, b) => a.model.localeCompare(b.model))
        .map((p) => ({ ...p }))
    },
    async upsertPrice(input) {
      const row = { ...checkPrice(input), updatedAt: ctx.now() }
      state.prices.set(row.model, row)
      m.changed()
      return { ...row }
    },
    async deletePrice(model) {
      const ok = state.prices.delete(model)
      if (ok) m.changed()
      return ok
    },

    async createShareLink(input) {
      if (!state.accounts.has(input.accountId)) {
        throw new StoreError('not_found', 'account not found')
      }
      const token = generateSecret('', 24)
      const link = {
        id: newId(),
        accountId: input.accountId,
        prefix: displayPrefix(token),
        createdBy: input.createdBy ?? null,
        createdAt: ctx.now(),
        expiresAt: input.expiresAt ?? null,
        revokedAt: null,
      }
      state.shares.set(link.id, { ...link, hash: hashSecret(token, ctx.pepper) })
      m.changed()
      return { link, token }
    },
    async getShareLink(token) {
      const hash = hashSecret(String(token), ctx.pepper)
      const s = [...state.shares.values()].find((x) => x.hash === hash)
      if (!s || s.revokedAt || (s.expiresAt && s.expiresAt.getTime() <= ctx.clock.now())) {
        return null
      }
      const { hash: _, ...link } = s
      return link
    },
    async listShareLinks(f) {
      return [...state.shares.values()]
        .filter(
          (s) =>
            (!f?.accountId || s.accountId === f.accountId) && (f?.includeRevoked || !s.revokedAt),
        )
        .reverse()
        .map(({ hash: _, ...link }) => ({ ...link }))
    },
    async deleteShareLink(id) {
      const s = state.shares.get(id)
      if (!s || s.revokedAt) return false
      s.revokedAt = ctx.now()
      m.changed()
      return true
    },

    async createNotificationChannel(input) {
      if (!state.accounts.has(input.accountId)) {
        throw new StoreError('not_found', 'account not found')
      }
      const id = newId()
      const now = ctx.now()
      const config = JSON.stringify(checkChannelConfig(input.config))
      const row: ChannelRow = {
        id,
        accountId: input.accountId,
        name: checkName(input.name, 'channel name'),
        kind: checkName(input.kind, 'channel kind', 32),
        configSealed: ctx.box.seal(config, channelAad(id)),
        enabled: input.enabled ?? true,
        createdAt: now,
        updatedAt: now,
      }
      state.channels.set(id, row)
      m.changed()
      return toChannel(row)
    },
    async getNotificationChannel(id) {
      const c = state.channels.get(id)
      return c ? toChannel(c) : null
    },
    async listNotificationChannels(accountId) {
      return [...state.channels.values()]
        .filter((c) => !accountId || c.accountId === accountId)
        .map(toChannel)
    },
    async updateNotificationChannel(id, patch) {
      const c = state.channels.get(id)
      if (!c) return null
      const next: ChannelRow = { ...c, updatedAt: ctx.now() }
      if (patch.name !== undefined) next.name = checkName(patch.name, 'channel name')
      if (patch.kind !== undefined) next.kind = checkName(patch.kind, 'channel kind', 32)
      if (patch.enabled !== undefined) next.enabled = Boolean(patch.enabled)
      if (patch.config !== undefined) {
        const config = JSON.stringify(checkChannelConfig(patch.config))
        next.configSealed = ctx.box.seal(config, channelAad(id))
      }
      state.channels.set(id, next)
      m.changed()
      return toChannel(next)
    },
    async deleteNotificationChannel(id) {
      if (!state.channels.delete(id)) return false
      for (const [k, s] of state.subscriptions)
        if (s.channelId === id) state.subscriptions.delete(k)
      m.changed()
      return true
    },
    async upsertNotificationSubscription(input) {
      const c = state.channels.get(input.channelId)
      if (!c) throw new StoreError('not_found', 'channel not found')
      const eventType = checkName(input.eventType, 'event type', 64)
      const existing = [...state.subscriptions.values()].find(
        (s) => s.channelId === c.id && s.eventType === eventType,
      )
      const row = existing ?? {
        id: newId(),
        accountId: c.accountId,
        channelId: c.id,
        eventType,
        enabled: true,
        createdAt: ctx.now(),
      }
      row.enabled = input.enabled ?? true
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
