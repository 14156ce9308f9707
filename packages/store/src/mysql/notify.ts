import { and, asc, desc, eq, gte, lt } from 'drizzle-orm'
import { newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import type { AuditRecord, NotificationChannel, TunnelConfig } from '../types/extras'
import { channelAad, checkChannelConfig, TUNNEL_AAD } from '../validate-extras'
import { checkName, clampLimit } from '../validate'
import type { My } from './db'
import { auditLog, notificationChannels, notificationSubscriptions, tunnelConfig } from './schema'
import { accounts } from './schema'

type NotifyMethods = Pick<
  Store,
  | 'createNotificationChannel'
  | 'getNotificationChannel'
  | 'listNotificationChannels'
  | 'updateNotificationChannel'
  | 'deleteNotificationChannel'
  | 'upsertNotificationSubscription'
  | 'listNotificationSubscriptions'
  | 'deleteNotificationSubscription'
  | 'appendAudit'
  | 'listAudit'
  | 'getTunnelConfig'
  | 'setTunnelConfig'
>

/** Notification channels and subscriptions, audit log and tunnel config (MySQL). */
export function mysqlNotify(m: My): NotifyMethods {
  const { db, ctx } = m
  const c = notificationChannels
  const sub = notificationSubscriptions
  const toChannel = ({ configEnc, ...row }: typeof c.$inferSelect): NotificationChannel => ({
    ...row,
    config: JSON.parse(ctx.box.open(configEnc, channelAad(row.id))) as Record<string, unknown>,
  })
  const getChannel = async (id: string) => (await db.select().from(c).where(eq(c.id, id)))[0]
  const toAudit = (row: typeof auditLog.$inferSelect): AuditRecord => ({
    ...row,
    detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
  })
  const toTunnel = ({
    apiTokenEnc,
    id: _,
    ...row
  }: typeof tunnelConfig.$inferSelect): TunnelConfig => ({
    ...row,
    apiToken: apiTokenEnc ? ctx.box.open(apiTokenEnc, TUNNEL_AAD) : null,
  })

  return {
    async createNotificationChannel(input) {
      const [a] = await db
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(accounts.id, input.accountId))
      if (!a) throw new StoreError('not_found', 'account not found')
      const id = newId()
      const now = ctx.now()
      const row = {
        id,
        accountId: input.accountId,
        name: checkName(input.name, 'channel name'),
        kind: checkName(input.kind, 'channel kind', 32),
        configEnc: ctx.box.seal(JSON.stringify(checkChannelConfig(input.config)), channelAad(id)),
        enabled: input.enabled ?? true,
        createdAt: now,
        updatedAt: now,
      }
      await m.mutate((tx) => tx.insert(c).values(row))
      return toChannel(row)
    },
    async getNotificationChannel(id) {
      const row = await getChannel(id)
      return row ? toChannel(row) : null
    },
    async listNotificationChannels(accountId) {
      const rows = await db
        .select()
        .from(c)
        .where(accountId ? eq(c.accountId, accountId) : undefined)
        .orderBy(asc(c.createdAt), asc(c.id))
      return rows.map(toChannel)
    },
    async updateNotificationChannel(id, patch) {
      const set: Partial<typeof c.$inferInsert> = { updatedAt: ctx.now() }
      if (patch.name !== undefined) set.name = checkName(patch.name, 'channel name')
      if (patch.kind !== undefined) set.kind = checkName(patch.kind, 'channel kind', 32)
      if (patch.enabled !== undefined) set.enabled = Boolean(patch.enabled)
      if (patch.config !== undefined) {
        const json = JSON.stringify(checkChannelConfig(patch.config))
        set.configEnc = ctx.box.seal(json, channelAad(id))
      }
      const [res] = await m.mutate((tx) => tx.update(c).set(set).where(eq(c.id, id)))
      if (res.affectedRows === 0) return null
      const row = await getChannel(id)
      return row ? toChannel(row) : null
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
      if (!channel) throw new StoreError('not_found', 'channel not found')
      const eventType = checkName(input.eventType, 'event type', 64)
      const enabled = input.enabled ?? true
      const row = {
        id: newId(),
        accountId: channel.accountId,
        channelId: channel.id,
        eventType,
        enabled,
        createdAt: ctx.now(),
      }
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
        {
          bumpIf: (ok) => ok,
        },
      )
    },

    async appendAudit(input) {
      const row = {
        id: newId(),
        at: input.at ?? ctx.now(),
        actorId: input.actorId ?? null,
        accountId: input.accountId ?? null,
        action: checkName(input.action, 'audit action', 64),
        targetType: input.targetType ?? null,
        targetId: input.targetId ?? null,
        ip: input.ip ?? null,
        detail: input.detail ? JSON.stringify(input.detail) : null,
      }
      await db.insert(auditLog).values(row)
      return toAudit(row)
    },
    async listAudit(f = {}) {
      const a = auditLog
      const rows = await db
        .select()
        .from(a)
        .where(
          and(
            f.accountId ? eq(a.accountId, f.accountId) : undefined,
            f.actorId ? eq(a.actorId, f.actorId) : undefined,
            f.action ? eq(a.action, f.action) : undefined,
            f.from ? gte(a.at, f.from) : undefined,
            f.to ? lt(a.at, f.to) : undefined,
          ),
        )
        .orderBy(desc(a.at), desc(a.id))
        .limit(clampLimit(f.limit, 100, 1000))
        .offset(Math.max(0, Math.floor(f.offset ?? 0)))
      return rows.map(toAudit)
    },

    async getTunnelConfig() {
      const [row] = await db.select().from(tunnelConfig).where(eq(tunnelConfig.id, 'default'))
      return row ? toTunnel(row) : null
    },
    async setTunnelConfig(patch) {
      return m.mutate(async (tx) => {
        const [cur] = await tx
          .select()
          .from(tunnelConfig)
          .where(eq(tunnelConfig.id, 'default'))
          .for('update')
        const row = {
          id: 'default',
          enabled: patch.enabled ?? cur?.enabled ?? false,
          subdomain: patch.subdomain !== undefined ? patch.subdomain : (cur?.subdomain ?? null),
          zone: patch.zone !== undefined ? patch.zone : (cur?.zone ?? null),
          apiTokenEnc:
            patch.apiToken === undefined
              ? (cur?.apiTokenEnc ?? null)
              : patch.apiToken
                ? ctx.box.seal(patch.apiToken, TUNNEL_AAD)
                : null,
          updatedAt: ctx.now(),
        }
        await tx.insert(tunnelConfig).values(row).onDuplicateKeyUpdate({ set: row })
        return toTunnel(row)
      })
    },
  }
}
