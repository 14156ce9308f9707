import { and, asc, count, eq } from 'drizzle-orm'
import { newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import type { Account, AccountSettings } from '../types/accounts'
import { checkName, checkPassword, EMPTY_SETTINGS, mergeSettings } from '../validate'
import { isDuplicate, type My, type Tx } from './db'
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

type AccountMethods = Pick<
  Store,
  | 'createAccount'
  | 'getAccount'
  | 'getAccountByName'
  | 'listAccounts'
  | 'updateAccount'
  | 'deleteAccount'
  | 'verifyPassword'
  | 'countAdmins'
>

const conflict = (name: string) => new StoreError('conflict', `account name "${name}" is taken`)

/** Accounts (with their settings row) of the MySQL adapter. */
export function mysqlAccounts(m: My): AccountMethods {
  const { db, ctx } = m
  const select = (where: ReturnType<typeof eq> | undefined, dbh: Tx | typeof db = db) =>
    dbh
      .select({ a: accounts, s: accountSettings })
      .from(accounts)
      .leftJoin(accountSettings, eq(accountSettings.accountId, accounts.id))
      .where(where)
      .orderBy(asc(accounts.createdAt), asc(accounts.id))
  type Joined = Awaited<ReturnType<typeof select>>[number]
  const toAccount = ({ a, s }: Joined): Account => ({
    id: a.id,
    name: a.name,
    isAdmin: a.isAdmin,
    disabled: a.disabled,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    activeNodeId: a.activeNodeId,
    settings: {
      retries: s?.retries ?? null,
      failLimit: s?.failLimit ?? null,
      healthIntervalSec: s?.healthIntervalSec ?? null,
      stickyTtlSec: s?.stickyTtlSec ?? null,
    },
  })
  const one = async (where: ReturnType<typeof eq>, dbh: Tx | typeof db = db) => {
    const [row] = await select(where, dbh)
    return row ? toAccount(row) : null
  }
  const writeSettings = (tx: Tx, accountId: string, s: AccountSettings) =>
    tx
      .insert(accountSettings)
      .values({ accountId, ...s, updatedAt: ctx.now() })
      .onDuplicateKeyUpdate({ set: { ...s, updatedAt: ctx.now() } })

  return {
    async createAccount(input) {
      m.live()
      const name = checkName(input.name, 'name')
      const passwordHash = await ctx.passwords.hash(checkPassword(input.password))
      const settings = mergeSettings(EMPTY_SETTINGS, input.settings)
      const now = ctx.now()
      const id = newId()
      try {
        await m.mutate(
          async (tx) => {
            await tx.insert(accounts).values({
              id,
              name,
              passwordHash,
              isAdmin: input.isAdmin ?? false,
              disabled: input.disabled ?? false,
              activeNodeId: null,
              createdAt: now,
              updatedAt: now,
            })
            await writeSettings(tx, id, settings)
          },
          { keys: true },
        )
      } catch (error) {
        throw isDuplicate(error) ? conflict(name) : error
      }
      return (await one(eq(accounts.id, id))) as Account
    },
    getAccount: (id) => one(eq(accounts.id, String(id))),
    getAccountByName: (name) => one(eq(accounts.name, String(name))),
    async listAccounts() {
      return (await select(undefined)).map(toAccount)
    },
    async updateAccount(id, patch) {
      m.live()
      const passwordHash =
        patch.password === undefined
          ? undefined
          : await ctx.passwords.hash(checkPassword(patch.password))
      const name = patch.name === undefined ? undefined : checkName(patch.name, 'name')
      try {
        return await m.mutate(
          async (tx) => {
            const current = await one(eq(accounts.id, id), tx)
            if (!current) return null
            const settings = mergeSettings(current.settings, patch.settings)
            if (patch.activeNodeId !== undefined && patch.activeNodeId !== null) {
              const [n] = await tx
                .select({ id: nodes.id })
                .from(nodes)
                .where(and(eq(nodes.id, patch.activeNodeId), eq(nodes.accountId, id)))
              if (!n) throw new StoreError('invalid', 'activeNodeId must be a node of this account')
            }
            await tx
              .update(accounts)
              .set({
                name,
                passwordHash,
                isAdmin: patch.isAdmin === undefined ? undefined : Boolean(patch.isAdmin),
                disabled: patch.disabled === undefined ? undefined : Boolean(patch.disabled),
                activeNodeId: patch.activeNodeId,
                updatedAt: ctx.now(),
              })
              .where(eq(accounts.id, id))
            if (patch.settings) await writeSettings(tx, id, settings)
            if (passwordHash || (patch.disabled && !current.disabled)) {
              await tx.delete(sessions).where(eq(sessions.accountId, id))
            }
            return one(eq(accounts.id, id), tx)
          },
          { keys: patch.disabled !== undefined },
        )
      } catch (error) {
        throw isDuplicate(error) ? conflict(name ?? '') : error
      }
    },
    async deleteAccount(id) {
      m.live()
      return m.mutate(
        async (tx) => {
          const [res] = await tx.delete(accounts).where(eq(accounts.id, id))
          if (res.affectedRows === 0) return false
          const accountNodes = tx
            .select({ id: nodes.id })
            .from(nodes)
            .where(eq(nodes.accountId, id))
          const ids = (await accountNodes).map((n) => n.id)
          for (const nodeId of ids) await tx.delete(nodeStates).where(eq(nodeStates.nodeId, nodeId))
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
      return account && !account.disabled ? account : null
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
