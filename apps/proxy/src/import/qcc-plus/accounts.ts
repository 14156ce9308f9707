/**
 * `accounts` (docs/contract.md §14.1): plaintext passwords hashed at the import cost, the
 * `proxy_api_key` as a key named `imported`, `is_admin` kept. Name, password and key are
 * remembered separately, so a changed name does not overwrite a password changed in qcc since.
 */
import { randomBytes } from 'node:crypto'
import {
  hashPassword,
  IMPORT_SCRYPT,
  isStoreError,
  type Account,
  type ImportSourceRecord,
} from '@qcc/store'
import {
  count,
  eachLimited,
  limiter,
  flushRemembered,
  readAll,
  remembered,
  SOURCE,
  syncRow,
  type ImportContext,
} from './context'
import { bool, text, time } from './source-values'

const TABLE = 'accounts'
const KEY_TABLE = 'accounts.proxy_api_key'
/** Target of a remembered key row when the source account has no key. */
const NO_KEY = '-'
// Two hashes at once keep both cores busy (each holds 16 MiB while it runs); the database
// writes of other accounts go on meanwhile.
const HASHES_AT_ONCE = 2
const ACCOUNTS_AT_ONCE = 8

interface AccountRow {
  id: string
  name: string
  password: string
  proxyKey: string | null
  isAdmin: boolean
  createdAt: Date | null
}

function readRow(r: Record<string, unknown>): AccountRow {
  const id = text(r.id) ?? ''
  return {
    id,
    name: (text(r.name) ?? '').trim() || id,
    password: text(r.password) ?? '',
    proxyKey: text(r.proxy_api_key) || null,
    isAdmin: bool(r.is_admin),
    createdAt: time(r.created_at),
  }
}

const oldestFirst = (a: AccountRow, b: AccountRow) =>
  (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || a.id.localeCompare(b.id)

/**
 * Imports the accounts. `bootstrapPassword` is the password qcc's bootstrap admin starts with
 * (`ADMIN_PASSWORD`): an `admin` still on it is taken over by the source's admin.
 */
export async function importAccounts(ctx: ImportContext, bootstrapPassword: string): Promise<void> {
  const rows = (
    await readAll(
      ctx,
      TABLE,
      'SELECT id, name, password, proxy_api_key, is_admin, created_at FROM accounts',
    )
  )
    .map(readRow)
    .sort(oldestFirst)
  const known = await remembered(ctx, TABLE)
  const knownPasswords = await remembered(ctx, 'accounts.password')
  const knownKeys = await remembered(ctx, KEY_TABLE)
  const existing = new Map((await ctx.store.listAccounts()).map((a) => [a.id, a]))
  const importedTargets = new Set([...known.values()].map((r) => r.targetId))
  const byName = new Map<string, Account>()
  for (const a of existing.values()) byName.set(a.name.toLowerCase(), a)
  const keysById = new Map((await ctx.store.listProxyKeys()).map((k) => [k.id, k]))

  // Pass 1, in order: duplicates inside the source and collisions with qcc's own accounts.
  const seen = new Map<string, string>()
  const chosen: { row: AccountRow; takeOver: Account | null }[] = []
  for (const row of rows) {
    const lower = row.name.toLowerCase()
    const first = seen.get(lower)
    if (first !== undefined) {
      skipAccount(ctx, row, `duplicate of ${first}'s name in the source (the oldest wins)`)
      continue
    }
    seen.set(lower, row.id)
    const rec = known.get(row.id)
    if (rec && existing.has(rec.targetId)) {
      chosen.push({ row, takeOver: null })
      continue
    }
    const clash = byName.get(lower)
    if (clash && !importedTargets.has(clash.id)) {
      if (await isBootstrapAdmin(ctx, clash, row, bootstrapPassword)) {
        chosen.push({ row, takeOver: clash })
        continue
      }
      skipAccount(ctx, row, `qcc already has an account named ${clash.name} (not imported)`)
      continue
    }
    chosen.push({ row, takeOver: null })
  }

  // Pass 2: create or update, a few accounts (and fewer hashes) at once.
  const pending: ImportSourceRecord[] = []
  const hashing = limiter(HASHES_AT_ONCE)
  try {
    await eachLimited(chosen, ACCOUNTS_AT_ONCE, async ({ row, takeOver }, i) => {
      const hash = () =>
        hashing(() => hashPassword(row.password || randomBytes(24).toString('hex'), IMPORT_SCRYPT))
      const target = await syncRow(ctx, {
        table: TABLE,
        sourceId: row.id,
        payload: { name: row.name, isAdmin: row.isAdmin },
        known,
        pending,
        exists: (id) => existing.has(id),
        create: async () => {
          if (takeOver) {
            await ctx.writes.updateAccount(takeOver.id, {
              passwordHash: await hash(),
              isAdmin: true,
            })
            return takeOver.id
          }
          return ctx.writes.createAccount({
            name: row.name,
            isAdmin: row.isAdmin,
            passwordHash: await hash(),
          })
        },
        update: async (id) => {
          try {
            await ctx.writes.updateAccount(id, { name: row.name, isAdmin: row.isAdmin })
          } catch (err) {
            // Renamed in the source to a name another qcc account has: keep qcc's name.
            if (!isStoreError(err) || err.code !== 'conflict') throw err
            await ctx.writes.updateAccount(id, { isAdmin: row.isAdmin })
            ctx.report.note(
              TABLE,
              row.id,
              row.name,
              'another qcc account has this name; kept its name in qcc',
            )
          }
        },
      })
      if (!row.password && target.outcome === 'created') {
        ctx.report.note(
          TABLE,
          row.id,
          row.name,
          'empty password: it cannot log in until an admin sets one',
        )
      }
      const password = await syncRow(ctx, {
        table: 'accounts.password',
        sourceId: row.id,
        payload: { password: row.password },
        known: knownPasswords,
        pending,
        exists: () => target.outcome !== 'created',
        create: async () => target.targetId,
        update: async (id) => ctx.writes.updateAccount(id, { passwordHash: await hash() }),
      })
      const key = await syncKey(ctx, row, target.targetId, knownKeys, keysById, pending)
      // A takeover changes an existing account; a new password or key changes the row too.
      const changed = password.outcome === 'updated' || key.changed
      count(
        ctx,
        TABLE,
        takeOver
          ? 'updated'
          : target.outcome === 'unchanged' && changed
            ? 'updated'
            : target.outcome,
      )
      ctx.accounts.set(row.id, {
        targetId: target.targetId,
        name: row.name,
        isAdmin: row.isAdmin,
        keyId: key.keyId,
      })
      ctx.progress.update(TABLE, i + 1, chosen.length)
    })
  } finally {
    await flushRemembered(ctx, pending)
  }
}

/** The `imported` key: created, replaced (revoke, create) when the source's key changed, or left. */
async function syncKey(
  ctx: ImportContext,
  row: AccountRow,
  accountId: string,
  known: Map<string, ImportSourceRecord>,
  keysById: Map<string, { id: string; revokedAt: Date | null }>,
  pending: ImportSourceRecord[],
): Promise<{ keyId: string | null; changed: boolean }> {
  const rec = known.get(row.id)
  const fingerprint = ctx.fingerprint({ key: row.proxyKey })
  const live =
    rec !== undefined && rec.targetId !== NO_KEY && keysById.get(rec.targetId)?.revokedAt === null
  if (live && rec.fingerprint === fingerprint) return { keyId: rec.targetId, changed: false }
  if (!row.proxyKey && rec?.targetId === NO_KEY && rec.fingerprint === fingerprint) {
    return { keyId: null, changed: false }
  }
  const remember = (targetId: string) =>
    pending.push({
      source: SOURCE,
      table: KEY_TABLE,
      sourceId: row.id,
      targetId,
      fingerprint,
      importedAt: ctx.now(),
    })
  if (live) await ctx.writes.revokeProxyKey(rec.targetId)
  if (!row.proxyKey) {
    remember(NO_KEY)
    return { keyId: null, changed: live }
  }
  try {
    const keyId = await ctx.writes.createProxyKey({
      accountId,
      name: 'imported',
      key: row.proxyKey,
    })
    remember(keyId)
    return { keyId, changed: true }
  } catch (err) {
    if (!isStoreError(err) || err.code !== 'conflict') throw err
    ctx.report.note(TABLE, row.id, row.name, 'its proxy key is already a key in qcc; not imported')
    return { keyId: null, changed: live }
  }
}

function skipAccount(ctx: ImportContext, row: AccountRow, reason: string): void {
  ctx.report.skip(TABLE, row.id, row.name, reason)
  ctx.skippedAccounts.set(row.id, row.name)
}

/** qcc's bootstrap `admin`, still on the password it started with, meets the source's admin. */
async function isBootstrapAdmin(
  ctx: ImportContext,
  clash: Account,
  row: AccountRow,
  bootstrapPassword: string,
): Promise<boolean> {
  if (!row.isAdmin || !clash.isAdmin || clash.name !== 'admin') return false
  return (await ctx.store.verifyPassword('admin', bootstrapPassword)) !== null
}
