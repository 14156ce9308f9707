import { and, asc, count, eq, sql } from 'drizzle-orm'
import type { AccountStore } from '../interface'
import {
  accountChanges,
  accountNameTaken,
  foreignActiveNode,
  mergeSettings,
  newAccountRow,
  patchAccountLimits,
  type StoredSettings,
  upgradeAfterLogin,
} from '../rows/accounts'
import { isStoreError } from '../errors'
import { accountNotFound } from '../rows/fields'
import { limitsFromText, limitsToText } from '../rows/limits'
import { checkKeyName, newKeyLimits, resolvedKey } from '../rows/proxy-keys'
import type { Account } from '../types/accounts'
import { isDuplicate, type Db, type My, type Tx } from './db'
import { issueProxyKey } from './proxy-keys'
import {
  accountSettings,
  accounts,
  notificationChannels,
  notificationSubscriptions,
  nodeStates,
  nodes,
  proxyKeys,
  sessions,
  shareLinks,
} from './schema'
import type { AccountSettingsRow } from './schema/account-settings'

// The settings table keeps seconds (its columns predate core's names); records carry core's
// names and milliseconds. These two are the only place the units meet.
const secToMs = (sec: number | null | undefined) => (sec == null ? null : sec * 1000)
const msToSec = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000))

function settingsFromRow(s: AccountSettingsRow | null): StoredSettings {
  return {
    retryMax: s?.retries ?? null,
    failThreshold: s?.failLimit ?? null,
    healthIntervalMs: secToMs(s?.healthIntervalSec),
    stickyTtlMs: secToMs(s?.stickyTtlSec),
    stickyPolicy: s?.stickyPolicy ?? null,
    stickyBreakTtfbMs: s?.stickyBreakTtfbMs ?? null,
  }
}

/** The settings columns of an account (its `qcc_account_settings` row). */
export function settingsToRow(s: StoredSettings) {
  return {
    retries: s.retryMax,
    failLimit: s.failThreshold,
    healthIntervalSec: msToSec(s.healthIntervalMs),
    stickyTtlSec: msToSec(s.stickyTtlMs),
    stickyPolicy: s.stickyPolicy,
    stickyBreakTtfbMs: s.stickyBreakTtfbMs,
  }
}

/** Resolves when the account exists. @throws StoreError `not_found` */
export async function requireAccount(
  dbh: Db | Tx,
  accountId: string,
): Promise<{ disabled: boolean; limits: string | null }> {
  const [a] = await dbh
    .select({ disabled: accounts.disabled, limits: accounts.limits })
    .from(accounts)
    .where(eq(accounts.id, accountId))
  if (!a) throw accountNotFound()
  return a
}

/** An account row with its settings row (if any) as one record. */
export function toAccount({
  a,
  s,
}: {
  a: typeof accounts.$inferSelect
  s: AccountSettingsRow | null
}): Account {
  return {
    id: a.id,
    name: a.name,
    isAdmin: a.isAdmin,
    disabled: a.disabled,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    activeNodeId: a.activeNodeId,
    settings: settingsFromRow(s),
    limits: limitsFromText(a.limits),
  }
}

/** Accounts (with their settings row) of the MySQL adapter. */
export function mysqlAccounts(m: My): AccountStore {
  const { db, ctx } = m
  const select = (where: ReturnType<typeof eq> | undefined, dbh: Tx | Db = db) =>
    dbh
      .select({ a: accounts, s: accountSettings })
      .from(accounts)
      .leftJoin(accountSettings, eq(accountSettings.accountId, accounts.id))
      .where(where)
      .orderBy(asc(accounts.createdAt), asc(accounts.id))
  const one = async (where: ReturnType<typeof eq>, dbh: Tx | Db = db) => {
    const [row] = await select(where, dbh)
    return row ? toAccount(row) : null
  }
  // Built once: every admin request and every account reload looks an account up by id, and
  // building the query cost more CPU than reading its row.
  const byId = select(eq(accounts.id, sql.placeholder('id'))).prepare()
  const getAccount = async (id: string) => {
    const [row] = await byId.execute({ id: String(id) })
    return row ? toAccount(row) : null
  }
  const writeSettings = (tx: Tx, accountId: string, s: StoredSettings) => {
    const columns = { ...settingsToRow(s), updatedAt: ctx.now() }
    return tx
      .insert(accountSettings)
      .values({ accountId, ...columns })
      .onDuplicateKeyUpdate({ set: columns })
  }

  return {
    async createAccount(input) {
      m.live()
      const { settings, limits, ...row } = await newAccountRow(ctx, input)
      try {
        await m.mutate(
          async (tx) => {
            await tx.insert(accounts).values({ ...row, limits: limitsToText(limits) })
            await writeSettings(tx, row.id, settings)
          },
          // A new account has no keys yet: the key index has nothing to learn.
          { keys: false },
        )
      } catch (error) {
        throw isDuplicate(error) ? accountNameTaken(row.name) : error
      }
      return (await one(eq(accounts.id, row.id))) as Account
    },
    async createAccountWithKey(input, key) {
      m.live()
      const keyName = checkKeyName(key.name)
      const keyLimits = newKeyLimits(key.limits)
      const { settings, limits, ...row } = await newAccountRow(ctx, input)
      let issued
      try {
        // One commit (and one version bump) for both, where creating them one after the other
        // took two and left an account without its key in between.
        issued = await m.mutate(
          async (tx) => {
            await tx.insert(accounts).values({ ...row, limits: limitsToText(limits) })
            await writeSettings(tx, row.id, settings)
            return issueProxyKey(m, tx, row.id, {
              name: keyName,
              limits: keyLimits,
              chosen: key.key,
            })
          },
          {
            // In place, as `createProxyKey` does: the new key is the index's only news.
            keys: (index, made) => {
              if (row.disabled) return
              // Parsed from its text, as the index's reload would have it.
              const accountLimits = limitsFromText(limitsToText(limits))
              index.add({ hash: made.hash, ...resolvedKey(made.key, accountLimits) })
            },
          },
        )
      } catch (error) {
        // The key's clash is a StoreError already; a duplicate left is the account's name.
        throw isDuplicate(error) && !isStoreError(error) ? accountNameTaken(row.name) : error
      }
      const account = (await getAccount(row.id)) as Account
      return { account, key: issued.key, secret: issued.secret }
    },
    getAccount,
    getAccountByName: (name) => one(eq(accounts.name, String(name))),
    async listAccounts() {
      return (await select(undefined)).map(toAccount)
    },
    async updateAccount(id, patch) {
      m.live()
      const changes = await accountChanges(ctx, patch)
      try {
        return await m.mutate(
          async (tx) => {
            // Locked: concurrent patches of settings or limits merge one after the other.
            await tx
              .select({ id: accounts.id })
              .from(accounts)
              .where(eq(accounts.id, id))
              .for('update')
            const current = await one(eq(accounts.id, id), tx)
            if (!current) return null
            const settings = mergeSettings(current.settings, patch.settings)
            const limits = patchAccountLimits(current.limits, patch)
            if (patch.activeNodeId !== undefined && patch.activeNodeId !== null) {
              const [n] = await tx
                .select({ id: nodes.id })
                .from(nodes)
                .where(and(eq(nodes.id, patch.activeNodeId), eq(nodes.accountId, id)))
              if (!n) throw foreignActiveNode()
            }
            await tx
              .update(accounts)
              .set({
                ...changes,
                activeNodeId: patch.activeNodeId,
                ...(limits !== undefined && { limits: limitsToText(limits) }),
                updatedAt: ctx.now(),
              })
              .where(eq(accounts.id, id))
            if (patch.settings) await writeSettings(tx, id, settings)
            if (changes.passwordHash || (changes.disabled && !current.disabled)) {
              await tx.delete(sessions).where(eq(sessions.accountId, id))
            }
            return one(eq(accounts.id, id), tx)
          },
          // The key index carries the account's limits (docs/contract.md §10).
          { keys: patch.disabled !== undefined || patch.limits !== undefined },
        )
      } catch (error) {
        throw isDuplicate(error) ? accountNameTaken(changes.name ?? '') : error
      }
    },
    async deleteAccount(id) {
      m.live()
      return m.mutate(
        async (tx) => {
          const [res] = await tx.delete(accounts).where(eq(accounts.id, id))
          if (res.affectedRows === 0) return false
          const owned = await tx.select({ id: nodes.id }).from(nodes).where(eq(nodes.accountId, id))
          for (const n of owned) await tx.delete(nodeStates).where(eq(nodeStates.nodeId, n.id))
          await tx.delete(nodes).where(eq(nodes.accountId, id))
          await tx.delete(accountSettings).where(eq(accountSettings.accountId, id))
          await tx.delete(proxyKeys).where(eq(proxyKeys.accountId, id))
          await tx.delete(sessions).where(eq(sessions.accountId, id))
          await tx.delete(shareLinks).where(eq(shareLinks.accountId, id))
          await tx.delete(notificationChannels).where(eq(notificationChannels.accountId, id))
          await tx
            .delete(notificationSubscriptions)
            .where(eq(notificationSubscriptions.accountId, id))
          return true
        },
        { keys: true },
      )
    },
    async verifyPassword(name, password) {
      const [row] =
        typeof name === 'string'
          ? await db
              .select({ id: accounts.id, hash: accounts.passwordHash })
              .from(accounts)
              .where(eq(accounts.name, name))
          : []
      const ok = await ctx.passwords.verify(String(password), row?.hash ?? null)
      if (!ok || !row) return null
      const account = await one(eq(accounts.id, row.id))
      if (!account || account.disabled) return null
      // Guarded by the old hash: a password changed meanwhile is not overwritten. Not a config
      // change (no version bump), and the account's sessions stay.
      await upgradeAfterLogin(ctx, row.hash, String(password), (next) =>
        db
          .update(accounts)
          .set({ passwordHash: next })
          .where(and(eq(accounts.id, row.id), eq(accounts.passwordHash, row.hash))),
      )
      return account
    },
    async countAdmins() {
      const [row] = await db
        .select({ n: count() })
        .from(accounts)
        .where(and(eq(accounts.isAdmin, true), eq(accounts.disabled, false)))
      return Number(row?.n ?? 0)
    },
  }
}
