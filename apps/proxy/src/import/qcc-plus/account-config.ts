/**
 * qcc_plus's per-account `config` and the `settings` table (docs/contract.md §14.1): retries,
 * fail limit and health interval become the account's overrides when they differ from
 * qcc_plus's defaults (account-scope settings rows win), `active_node` the activated node.
 * System-scope settings are not per account in qcc: one changed from its seeded value is
 * reported with the variable to set.
 */
import type { AccountSettings } from '@qcc/core'
import type { ImportSourceRecord } from '@qcc/store'
import { canonicalJson } from './fingerprint'
import { count, flushRemembered, readAll, remembered, syncRow, type ImportContext } from './context'
import { json, num, text } from './source-values'

type Setting = 'retryMax' | 'failThreshold' | 'healthIntervalMs'

/** Account-scope settings keys with a meaning in qcc, and how their value converts. */
const ACCOUNT_SETTINGS: Record<string, { field: Setting; ms?: boolean }> = {
  'proxy.retry_max': { field: 'retryMax' },
  'health.fail_threshold': { field: 'failThreshold' },
  'health.check_interval_sec': { field: 'healthIntervalMs', ms: true },
}

/** qcc_plus's seeded system settings and the variable that sets the same in qcc, if any. */
const SYSTEM_SETTINGS: Record<string, { seeded: unknown; env?: string }> = {
  'proxy.retry_max': { seeded: 3, env: 'PROXY_RETRY_MAX' },
  'health.fail_threshold': { seeded: 3, env: 'PROXY_FAIL_THRESHOLD' },
  'health.check_interval_sec': { seeded: 30, env: 'PROXY_HEALTH_INTERVAL_SEC' },
  'health.skip_disabled_nodes': { seeded: true },
  'monitor.refresh_interval_ms': { seeded: 30000 },
  'monitor.error_display': { seeded: 'icon' },
  'monitor.show_node_stats': { seeded: { showProxy: true, showHealth: true } },
  'monitor.hide_disabled_nodes': { seeded: true },
}

const clampSec = (sec: number) => Math.min(3600, Math.max(1, Math.ceil(sec)))

/** Imports `config` and `settings` (after accounts and nodes). */
export async function importAccountConfig(ctx: ImportContext): Promise<void> {
  const configs = await readAll(
    ctx,
    'config',
    'SELECT account_id, retries, fail_limit, health_every_ms, active_node FROM config ORDER BY account_id',
  )
  const settings = await readAll(
    ctx,
    'settings',
    'SELECT id, `key`, scope, account_id, value FROM settings ORDER BY id',
  )
  const overrides = new Map<
    string,
    { fields: Partial<Record<Setting, number>>; activeNode: string | null }
  >()
  const entry = (accountId: string) => {
    let e = overrides.get(accountId)
    if (!e) overrides.set(accountId, (e = { fields: {}, activeNode: null }))
    return e
  }
  const configAccounts = new Set<string>()
  for (const c of configs) {
    const accountId = text(c.account_id) ?? ''
    configAccounts.add(accountId)
    if (!belongs(ctx, 'config', accountId, accountId)) continue
    const e = entry(accountId)
    const retries = num(c.retries, 3)
    const failLimit = num(c.fail_limit, 3)
    const everyMs = num(c.health_every_ms, 30000)
    if (retries !== 3 && retries >= 1) e.fields.retryMax = Math.min(20, Math.trunc(retries))
    if (failLimit !== 3 && failLimit >= 1)
      e.fields.failThreshold = Math.min(100, Math.trunc(failLimit))
    if (everyMs !== 30000 && everyMs > 0)
      e.fields.healthIntervalMs = clampSec(everyMs / 1000) * 1000
    e.activeNode = text(c.active_node) || null
  }
  const settingRows: { id: string; accountId: string; payload: unknown }[] = []
  for (const s of settings) {
    const id = text(s.id) ?? ''
    const key = text(s.key) ?? ''
    const scope = text(s.scope) ?? 'system'
    const value = json(s.value) ?? text(s.value)
    if (scope === 'system') {
      const known = SYSTEM_SETTINGS[key]
      if (known && canonicalJson(known.seeded) === canonicalJson(value)) continue
      if (known?.env) {
        ctx.report.skip(
          'settings',
          id,
          key,
          `installation-wide in qcc: set ${known.env}=${canonicalJson(value)}`,
        )
      } else {
        ctx.report.skip('settings', id, key, 'no qcc equivalent')
      }
      continue
    }
    const accountId = text(s.account_id) ?? ''
    const meaning = ACCOUNT_SETTINGS[key]
    if (scope !== 'account' || !meaning) {
      ctx.report.skip(
        'settings',
        id,
        key,
        key === 'node.active_node'
          ? 'qcc_plus never read it (config.active_node is imported)'
          : 'no qcc equivalent',
      )
      continue
    }
    if (!belongs(ctx, 'settings', id, accountId, key)) continue
    const n = num(value, NaN)
    if (!Number.isFinite(n) || n < 1) {
      ctx.report.skip('settings', id, key, 'not a positive number')
      continue
    }
    entry(accountId).fields[meaning.field] = meaning.ms ? clampSec(n) * 1000 : Math.trunc(n)
    settingRows.push({ id, accountId, payload: { key, value, accountId } })
  }
  await writeOverrides(ctx, overrides, settingRows, configAccounts)
}

/** The account of a config or settings row was imported; else the row is skipped. */
function belongs(
  ctx: ImportContext,
  table: string,
  id: string,
  accountId: string,
  name: string | null = null,
): boolean {
  if (ctx.accounts.has(accountId)) return true
  const reason = ctx.skippedAccounts.has(accountId)
    ? 'account skipped'
    : `account ${accountId} is not in the source`
  ctx.report.skip(table, id, name, reason)
  return false
}

async function writeOverrides(
  ctx: ImportContext,
  overrides: Map<string, { fields: Partial<Record<Setting, number>>; activeNode: string | null }>,
  settingRows: { id: string; accountId: string; payload: unknown }[],
  configAccounts: Set<string>,
): Promise<void> {
  const knownConfig = await remembered(ctx, 'config')
  const knownSettings = await remembered(ctx, 'settings')
  const pending: ImportSourceRecord[] = []
  const accountIds = new Set((await ctx.store.listAccounts()).map((a) => a.id))
  try {
    // A settings row counts as created or updated by its own fingerprint; the account is written
    // once, from config and settings together.
    const settingsChanged = new Set<string>()
    for (const row of settingRows) {
      const account = ctx.accounts.get(row.accountId)
      if (!account) continue
      const out = await syncRow(ctx, {
        table: 'settings',
        sourceId: row.id,
        payload: row.payload,
        known: knownSettings,
        pending,
        exists: (id) => accountIds.has(id),
        create: async () => account.targetId,
        update: async () => {},
      })
      count(ctx, 'settings', out.outcome)
      if (out.outcome !== 'unchanged') settingsChanged.add(row.accountId)
    }
    for (const [accountId, e] of overrides) {
      const account = ctx.accounts.get(accountId)
      if (!account) continue
      const activeNode = e.activeNode ? ctx.nodes.get(e.activeNode) : undefined
      if (e.activeNode && !activeNode) {
        ctx.report.note(
          'config',
          accountId,
          account.name,
          `active_node ${e.activeNode} was not imported`,
        )
      }
      const patch: AccountSettings = {
        retryMax: e.fields.retryMax ?? null,
        failThreshold: e.fields.failThreshold ?? null,
        healthIntervalMs: e.fields.healthIntervalMs ?? null,
      }
      const write = () =>
        ctx.writes.updateAccount(account.targetId, {
          settings: patch,
          activeNodeId: activeNode?.targetId ?? null,
        })
      const out = await syncRow(ctx, {
        table: 'config',
        sourceId: accountId,
        payload: { ...patch, activeNode: e.activeNode },
        known: knownConfig,
        pending,
        exists: (id) => accountIds.has(id),
        create: async () => {
          await write()
          return account.targetId
        },
        update: write,
      })
      if (out.outcome === 'unchanged' && settingsChanged.has(accountId)) await write()
      // Overrides can come from settings rows alone; only real config rows count in its line.
      if (configAccounts.has(accountId)) count(ctx, 'config', out.outcome)
    }
  } finally {
    await flushRemembered(ctx, pending)
  }
}
