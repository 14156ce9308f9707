import { newId } from '../crypto/tokens'
import type { Store } from '../interface'
import { DAY_MS, TUNNEL_AAD } from '../validate-extras'
import { checkName, clampLimit } from '../validate'
import type { Mem } from './state'

type HousekeepingMethods = Pick<
  Store,
  'appendAudit' | 'listAudit' | 'getTunnelConfig' | 'setTunnelConfig' | 'retention'
>

const inRange = (d: Date, from?: Date, to?: Date) => (!from || d >= from) && (!to || d < to)

/** Audit log, tunnel config and retention of the memory adapter. */
export function memoryHousekeeping(m: Mem): HousekeepingMethods {
  const { state, ctx } = m
  const page = <T>(rows: T[], limit: number, offset?: number) => {
    const o = Math.max(0, Math.floor(offset ?? 0))
    return rows.slice(o, o + limit)
  }

  return {
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
        detail: input.detail ? structuredClone(input.detail) : null,
      }
      state.audit.push(row)
      return structuredClone(row)
    },
    async listAudit(f = {}) {
      const rows = state.audit
        .filter(
          (a) =>
            (!f.accountId || a.accountId === f.accountId) &&
            (!f.actorId || a.actorId === f.actorId) &&
            (!f.action || a.action === f.action) &&
            inRange(a.at, f.from, f.to),
        )
        .sort((a, b) => b.at.getTime() - a.at.getTime() || b.id.localeCompare(a.id))
      return page(rows, clampLimit(f.limit, 100, 1000), f.offset).map((a) => structuredClone(a))
    },

    async getTunnelConfig() {
      const t = state.tunnel
      if (!t) return null
      const { apiTokenSealed, ...rest } = t
      return { ...rest, apiToken: apiTokenSealed ? ctx.box.open(apiTokenSealed, TUNNEL_AAD) : null }
    },
    async setTunnelConfig(patch) {
      const t = state.tunnel ?? {
        enabled: false,
        subdomain: null,
        zone: null,
        apiTokenSealed: null,
      }
      const next = {
        enabled: patch.enabled ?? t.enabled,
        subdomain: patch.subdomain !== undefined ? patch.subdomain : t.subdomain,
        zone: patch.zone !== undefined ? patch.zone : t.zone,
        apiTokenSealed:
          patch.apiToken === undefined
            ? t.apiTokenSealed
            : patch.apiToken && ctx.box.seal(patch.apiToken, TUNNEL_AAD),
        updatedAt: ctx.now(),
      }
      state.tunnel = next
      m.changed()
      const { apiTokenSealed, ...rest } = next
      return { ...rest, apiToken: apiTokenSealed ? ctx.box.open(apiTokenSealed, TUNNEL_AAD) : null }
    },

    async retention(o) {
      const now = ctx.clock.now()
      const rawCut = now - o.usageRawDays * DAY_MS
      const healthCut = now - o.healthDays * DAY_MS
      let usageEvents = 0
      for (const [k, e] of state.usage) {
        if (e.at.getTime() < rawCut) usageEvents += Number(state.usage.delete(k))
      }
      const before = state.health.length
      state.health = state.health.filter((h) => h.at.getTime() >= healthCut)
      let sessions = 0
      for (const [k, s] of state.sessions) {
        if (s.expiresAt.getTime() <= now) sessions += Number(state.sessions.delete(k))
      }
      let minuteRollups = 0
      if (o.minuteRollupDays !== undefined) {
        const cut = now - o.minuteRollupDays * DAY_MS
        for (const [k, r] of state.rollups) {
          if (r.bucket === 'minute' && r.start < cut)
            minuteRollups += Number(state.rollups.delete(k))
        }
      }
      let downloadLinks = 0
      for (const [k, d] of state.downloads) {
        if (d.expiresAt.getTime() <= now) downloadLinks += Number(state.downloads.delete(k))
      }
      state.batches.clear()
      const healthChecks = before - state.health.length
      return { usageEvents, healthChecks, sessions, minuteRollups, downloadLinks }
    },
  }
}
