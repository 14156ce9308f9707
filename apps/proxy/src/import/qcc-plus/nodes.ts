/**
 * `nodes` (docs/contract.md §14.1): the upstream key encrypted as every node key, weight (≤ 0
 * becomes 1), the health-check method (`cli`, or `api` without a key, becomes `head`, as
 * qcc_plus probed them), model, disabled; `failed` becomes the node state `failed` with the
 * redacted `last_error`. Imported nodes count as saved by an admin.
 */
import { redactSecrets, type HealthCheckMethod } from '@qcc/core'
import { isStoreError, type ImportSourceRecord, type NodeRecord } from '@qcc/store'
import {
  count,
  eachLimited,
  flushRemembered,
  readAll,
  remembered,
  syncRow,
  type ImportContext,
} from './context'
import { bool, num, text } from './source-values'

const TABLE = 'nodes'
const STATE_TABLE = 'nodes.state'
const ACCOUNTS_AT_ONCE = 4
/** Most characters of an imported error text (docs/contract.md §14.1). */
export const IMPORTED_ERROR_MAX = 200

interface NodeRow {
  id: string
  accountId: string
  name: string
  baseUrl: string
  apiKey: string | null
  method: HealthCheckMethod
  model: string | null
  weight: number
  disabled: boolean
  failed: boolean
  lastError: string | null
}

function readRow(r: Record<string, unknown>): NodeRow {
  const id = text(r.id) ?? ''
  const apiKey = text(r.api_key) || null
  const raw = (text(r.health_check_method) ?? 'api').toLowerCase()
  const method: HealthCheckMethod = raw === 'head' || raw === 'cli' || !apiKey ? 'head' : 'api'
  const weight = Math.trunc(num(r.weight, 1))
  return {
    id,
    accountId: text(r.account_id) || 'default',
    name: (text(r.name) ?? '').trim() || id,
    baseUrl: (text(r.base_url) ?? '').trim(),
    apiKey,
    method,
    model: text(r.health_check_model) || null,
    weight: weight >= 1 ? weight : 1,
    disabled: bool(r.disabled),
    failed: bool(r.failed),
    lastError: text(r.last_error) || null,
  }
}

/** `imported: <text>`, redacted and cut to {@link IMPORTED_ERROR_MAX} characters. */
export function importedError(raw: string | null, known: readonly (string | null)[]): string {
  const clean = redactSecrets(raw ?? 'failed in qcc_plus', known)
    .replace(/\s+/g, ' ')
    .trim()
  return `imported: ${clean.slice(0, IMPORTED_ERROR_MAX)}`
}

/** Imports the nodes of the imported accounts. */
export async function importNodes(ctx: ImportContext): Promise<void> {
  const rows = (
    await readAll(
      ctx,
      TABLE,
      'SELECT id, name, base_url, api_key, health_check_method, health_check_model, account_id, weight, failed, disabled, last_error, created_at FROM nodes ORDER BY created_at, id',
    )
  ).map(readRow)
  const known = await remembered(ctx, TABLE)
  const knownStates = await remembered(ctx, STATE_TABLE)
  const existing = new Map<string, NodeRecord>((await ctx.store.listNodes()).map((n) => [n.id, n]))
  const states = new Map((await ctx.store.getNodeStates()).map((s) => [s.nodeId, s]))
  const pending: ImportSourceRecord[] = []
  try {
    // Accounts in parallel (a few at once), each account's nodes in order: the first of two
    // nodes with one name in an account wins, as in a sequential run.
    const byAccount = new Map<string, NodeRow[]>()
    for (const row of rows) {
      const list = byAccount.get(row.accountId)
      if (list) list.push(row)
      else byAccount.set(row.accountId, [row])
    }
    let done = 0
    await eachLimited([...byAccount.values()], ACCOUNTS_AT_ONCE, async (group) => {
      for (const row of group) {
        ctx.progress.update(TABLE, ++done, rows.length)
        const account = ctx.accounts.get(row.accountId)
        if (!account) {
          const skipped = ctx.skippedAccounts.get(row.accountId)
          ctx.report.skip(
            TABLE,
            row.id,
            row.name,
            skipped !== undefined
              ? 'account skipped'
              : `account ${row.accountId} is not in the source`,
          )
          ctx.skippedNodes.set(row.id, row.name)
          continue
        }
        const fields = {
          name: row.name,
          baseUrl: row.baseUrl,
          apiKey: row.apiKey,
          weight: row.weight,
          disabled: row.disabled,
          healthCheckMethod: row.method,
          healthCheckModel: row.model,
        }
        let target: Awaited<ReturnType<typeof syncRow>>
        try {
          target = await syncRow(ctx, {
            table: TABLE,
            sourceId: row.id,
            payload: fields,
            known,
            pending,
            exists: (id) => existing.has(id),
            create: () =>
              ctx.writes.createNode({
                accountId: account.targetId,
                ...fields,
                allowPrivate: true,
                managed: !account.isAdmin,
              }),
            update: (id) => ctx.writes.updateNode(id, fields),
          })
        } catch (err) {
          if (!isStoreError(err) || (err.code !== 'conflict' && err.code !== 'invalid')) throw err
          const reason =
            err.code === 'conflict'
              ? `the account already has a node named ${row.name}`
              : safeReason(err.message, row)
          ctx.report.skip(TABLE, row.id, row.name, reason)
          ctx.skippedNodes.set(row.id, row.name)
          continue
        }
        const state = await syncNodeState(
          ctx,
          row,
          target.targetId,
          target.outcome === 'created',
          knownStates,
          states,
          pending,
        )
        count(ctx, TABLE, target.outcome === 'unchanged' && state ? 'updated' : target.outcome)
        ctx.nodes.set(row.id, {
          targetId: target.targetId,
          accountSourceId: row.accountId,
          name: row.name,
          apiKey: row.apiKey,
        })
      }
    })
  } finally {
    await flushRemembered(ctx, pending)
  }
}

/** A store validation message without anything of the row's secrets. */
function safeReason(message: string, row: NodeRow): string {
  return redactSecrets(message, [row.apiKey, row.baseUrl]).slice(0, 200)
}

/**
 * qcc_plus's `failed` flag as the node state `failed` (once per change of the flag or its error:
 * a node that recovered in qcc since is not failed again by a second run). True when written.
 */
async function syncNodeState(
  ctx: ImportContext,
  row: NodeRow,
  nodeId: string,
  created: boolean,
  known: Map<string, ImportSourceRecord>,
  states: Map<string, { version: number }>,
  pending: ImportSourceRecord[],
): Promise<boolean> {
  const payload = { failed: row.failed, lastError: row.failed ? row.lastError : null }
  const fingerprint = ctx.fingerprint(payload)
  const rec = known.get(row.id)
  if (!created && rec?.targetId === nodeId && rec.fingerprint === fingerprint) return false
  pending.push({
    source: 'qcc_plus',
    table: STATE_TABLE,
    sourceId: row.id,
    targetId: nodeId,
    fingerprint,
    importedAt: ctx.now(),
  })
  if (!row.failed) return !created && rec !== undefined
  const at = ctx.now()
  await ctx.writes.setNodeState(nodeId, created ? 0 : (states.get(nodeId)?.version ?? 0), {
    status: 'failed',
    coolingUntil: null,
    failReason: importedError(row.lastError, [row.apiKey]),
    consecutiveFailures: 1,
    lastFailureAt: at,
    lastSuccessAt: null,
    lastProbeAt: null,
  })
  return true
}
