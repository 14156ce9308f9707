/**
 * `qcc import qcc-plus` (docs/contract.md §14): copies a qcc_plus database into qcc's store, table
 * by table in dependency order (accounts, nodes, their config, then what refers to them, then
 * history), remembering source ids so a second run updates what changed and duplicates nothing.
 */
import type { Store } from '@qcc/store'
import { importAccountConfig } from './account-config'
import { importAccounts } from './accounts'
import { createFingerprint } from './fingerprint'
import { importHealthHistory, importUsageLogs } from './history'
import { importNodeMetrics } from './metrics'
import { importNodes } from './nodes'
import { importPricing, importTunnel } from './pricing-tunnel'
import { ImportReport, NO_PROGRESS, type ImportProgress } from './report'
import { importChannels, importShares } from './shares-channels'
import type { QccPlusSource } from './source'
import type { ImportWrites } from './target'
import type { ImportContext } from './context'

/** What one import needs. */
export interface QccPlusImportOptions {
  source: QccPlusSource
  /** Where reads go (for `--dry-run` against an empty destination: an empty memory store). */
  store: Store
  writes: ImportWrites
  dryRun: boolean
  withHistory: boolean
  /** The proxy's secret key: fingerprints are keyed by it. */
  secretKey: Uint8Array
  /** `ADMIN_PASSWORD` (its default when unset): what qcc's bootstrap admin started with. */
  bootstrapAdminPassword: string
  progress?: ImportProgress
  now?: () => Date
}

/** Tables qcc_plus has that are not imported, and why (they still get a report line). */
const NOT_IMPORTED: Record<string, string> = {
  notification_history: 'qcc keeps no delivery history',
}
const HISTORY_TABLES = [
  'health_check_history',
  'usage_logs',
  'node_metrics_raw',
  'node_metrics_hourly',
  'node_metrics_daily',
  'node_metrics_monthly',
]

/** Runs the import; the report says what was (or, dry, would be) done. */
export async function importQccPlus(options: QccPlusImportOptions): Promise<ImportReport> {
  const report = new ImportReport()
  const ctx: ImportContext = {
    source: options.source,
    sourceTables: await options.source.tables(),
    store: options.store,
    writes: options.writes,
    dryRun: options.dryRun,
    report,
    progress: options.progress ?? NO_PROGRESS,
    fingerprint: createFingerprint(options.secretKey),
    now: options.now ?? (() => new Date()),
    accounts: new Map(),
    skippedAccounts: new Map(),
    nodes: new Map(),
    skippedNodes: new Map(),
  }
  if (!ctx.sourceTables.has('accounts') || !ctx.sourceTables.has('nodes')) {
    throw new Error('the source has no accounts or nodes table: is it a qcc_plus database?')
  }
  await importAccounts(ctx, options.bootstrapAdminPassword)
  await importNodes(ctx)
  await importAccountConfig(ctx)
  await importPricing(ctx)
  await importShares(ctx)
  await importChannels(ctx)
  await importTunnel(ctx)
  for (const [table, why] of Object.entries(NOT_IMPORTED)) {
    if (!ctx.sourceTables.has(table)) continue
    const t = report.table(table)
    t.read = await ctx.source.count(table)
    t.notImported = why
  }
  if (options.withHistory) {
    await importHealthHistory(ctx)
    const coverage = await importUsageLogs(ctx)
    await importNodeMetrics(ctx, coverage)
  } else {
    for (const table of HISTORY_TABLES) {
      if (!ctx.sourceTables.has(table)) continue
      const t = report.table(table)
      t.read = await ctx.source.count(table)
      t.notImported = 'history: run with --with-history'
    }
  }
  ctx.progress.done()
  if (!options.dryRun && report.changedAnything()) {
    await options.writes.audit({
      action: 'import.qcc_plus',
      targetType: 'import',
      targetId: 'qcc_plus',
      detail: {
        source: options.source.kind,
        withHistory: options.withHistory,
        tables: report.summary(),
      },
    })
  }
  return report
}
