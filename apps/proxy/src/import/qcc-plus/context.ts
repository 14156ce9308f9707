import type { ImportSourceRecord, Store } from '@qcc/store'
import type { Fingerprint } from './fingerprint'
import type { ImportProgress, ImportReport } from './report'
import type { QccPlusSource, SourceRow } from './source'
import type { ImportWrites } from './target'

/** `source` of every remembered row (docs/contract.md §14.1). */
export const SOURCE = 'qcc_plus'

/** Rows read from the source per batch. */
export const READ_BATCH = 2000

/** An imported account as later tables need it. */
export interface MappedAccount {
  targetId: string
  name: string
  isAdmin: boolean
  /** The `imported` key's id, when the account has one. */
  keyId: string | null
}

/** An imported node as later tables need it. */
export interface MappedNode {
  targetId: string
  accountSourceId: string
  name: string
  /** The upstream key in the clear, only to redact it from imported error texts. */
  apiKey: string | null
}

/** What every table's import shares. */
export interface ImportContext {
  source: QccPlusSource
  sourceTables: Set<string>
  /** Reads (qcc's current rows). */
  store: Store
  writes: ImportWrites
  dryRun: boolean
  report: ImportReport
  progress: ImportProgress
  fingerprint: Fingerprint
  now: () => Date
  /** Source account id -> its qcc account. */
  accounts: Map<string, MappedAccount>
  /** Source account id -> name, for accounts skipped (their rows are skipped with them). */
  skippedAccounts: Map<string, string>
  /** Source node id -> its qcc node. */
  nodes: Map<string, MappedNode>
  /** Source node ids skipped, with their name. */
  skippedNodes: Map<string, string>
}

/** The remembered rows of one source table, by source id. */
export async function remembered(
  ctx: ImportContext,
  table: string,
): Promise<Map<string, ImportSourceRecord>> {
  const rows = await ctx.store.listImportSources(SOURCE, table)
  return new Map(rows.map((r) => [r.sourceId, r]))
}

/** Every row of a source table in one array (the config tables are small). */
export async function readAll(
  ctx: ImportContext,
  table: string,
  sql: string,
): Promise<SourceRow[]> {
  if (!ctx.sourceTables.has(table)) return []
  const out: SourceRow[] = []
  for await (const batch of ctx.source.batches(sql, [], READ_BATCH)) out.push(...batch)
  ctx.report.table(table).read += out.length
  return out
}

/** What `syncRow` did with a row. */
export type SyncOutcome = 'created' | 'updated' | 'unchanged'

/**
 * The create / update / leave decision for one source row (docs/contract.md §14.1): a row
 * remembered with the same fingerprint whose target still exists is left alone; one whose
 * fingerprint changed is updated; anything else is created. The new fingerprint is queued in
 * `pending` (written with {@link flushRemembered}).
 */
export async function syncRow(
  ctx: ImportContext,
  args: {
    table: string
    sourceId: string
    payload: unknown
    known: Map<string, ImportSourceRecord>
    pending: ImportSourceRecord[]
    exists: (targetId: string) => boolean
    create: () => Promise<string>
    update: (targetId: string) => Promise<void>
  },
): Promise<{ targetId: string; outcome: SyncOutcome }> {
  const fingerprint = ctx.fingerprint(args.payload)
  const rec = args.known.get(args.sourceId)
  const remember = (targetId: string) =>
    args.pending.push({
      source: SOURCE,
      table: args.table,
      sourceId: args.sourceId,
      targetId,
      fingerprint,
      importedAt: ctx.now(),
    })
  if (rec && args.exists(rec.targetId)) {
    if (rec.fingerprint === fingerprint) return { targetId: rec.targetId, outcome: 'unchanged' }
    await args.update(rec.targetId)
    remember(rec.targetId)
    return { targetId: rec.targetId, outcome: 'updated' }
  }
  const targetId = await args.create()
  remember(targetId)
  return { targetId, outcome: 'created' }
}

/** Writes the queued source records and empties the queue. */
export async function flushRemembered(
  ctx: ImportContext,
  pending: ImportSourceRecord[],
): Promise<void> {
  for (let i = 0; i < pending.length; i += 1000) {
    await ctx.writes.remember(pending.slice(i, i + 1000))
  }
  pending.length = 0
}

/** Counts a sync outcome in the table's line. */
export function count(ctx: ImportContext, table: string, outcome: SyncOutcome): void {
  if (outcome === 'created') ctx.report.table(table).created++
  else if (outcome === 'updated') ctx.report.table(table).updated++
}

/** Runs `fn` over `items`, at most `limit` at once (password hashing runs in the thread pool). */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      await fn(items[i] as T, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** Runs the functions given to it at most `limit` at once, in call order. */
export function limiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: (() => void)[] = []
  return async (fn) => {
    // A finishing call hands its slot straight to the next waiter, so `running` never overshoots.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve))
    else running++
    try {
      return await fn()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }
}
