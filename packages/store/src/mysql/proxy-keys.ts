import { and, asc, eq, isNull } from 'drizzle-orm'
import type { ProxyKeyStore } from '../interface'
import type { KeyIndexEntry } from '../key-index'
import { limitsFromText, limitsToText } from '../rows/limits'
import {
  checkFirstUse,
  checkKeyName,
  newKeyLimits,
  newProxyKeyRow,
  proxyKeyChanges,
  proxyKeyInUse,
  resolvedKey,
  toProxyKey,
  type NewProxyKey,
  type ProxyKeyRow,
} from '../rows/proxy-keys'
import type { Limits } from '@qcc/core'
import { requireAccount } from './accounts'
import { isDuplicate, type Db, type My, type Tx } from './db'
import { accounts, proxyKeys } from './schema'
import type { ProxyKeyDbRow } from './schema/proxy-keys'

/** Live keys of enabled accounts, with their limits and their accounts', for the in-memory index. */
export async function loadKeyIndex(db: Db): Promise<KeyIndexEntry[]> {
  const rows = await db
    .select({
      hash: proxyKeys.keyHash,
      accountId: proxyKeys.accountId,
      id: proxyKeys.id,
      limits: proxyKeys.limits,
      firstUsedAt: proxyKeys.firstUsedAt,
      accountLimits: accounts.limits,
    })
    .from(proxyKeys)
    .innerJoin(accounts, eq(accounts.id, proxyKeys.accountId))
    .where(and(isNull(proxyKeys.revokedAt), eq(accounts.disabled, false)))
  // One parsed (frozen) object per account, shared by all its keys.
  const byAccount = new Map<string, Limits>()
  return rows.map((r) => {
    let accountLimits = byAccount.get(r.accountId)
    if (!accountLimits) {
      accountLimits = limitsFromText(r.accountLimits)
      byAccount.set(r.accountId, accountLimits)
    }
    const key = { ...r, limits: limitsFromText(r.limits) }
    return { hash: r.hash, ...resolvedKey(key, accountLimits) }
  })
}

/** Inserts a new key of the account in `tx`; its hash is for the index. @throws StoreError `conflict` */
export async function issueProxyKey(
  m: Pick<My, 'ctx'>,
  tx: Tx,
  accountId: string,
  key: NewProxyKey,
) {
  const { row, secret } = newProxyKeyRow(m.ctx, accountId, key)
  try {
    await tx.insert(proxyKeys).values({ ...row, limits: limitsToText(row.limits) })
  } catch (error) {
    throw isDuplicate(error) ? proxyKeyInUse() : error
  }
  return { key: toProxyKey(row), secret, hash: row.keyHash }
}

/** A stored row as the shared rows/ layer knows it (limits parsed). */
const fromDb = (r: ProxyKeyDbRow): ProxyKeyRow => ({ ...r, limits: limitsFromText(r.limits) })

/** Proxy keys of the MySQL adapter; every change reloads the key index after its commit. */
export function mysqlProxyKeys(m: My): ProxyKeyStore {
  const { db, ctx } = m

  const issue = (tx: Tx, accountId: string, key: NewProxyKey) =>
    issueProxyKey(m, tx, accountId, key)
  const getKey = async (id: string, dbh: Tx | Db = db) => {
    const [row] = await dbh.select().from(proxyKeys).where(eq(proxyKeys.id, id))
    return row ? fromDb(row) : undefined
  }
  const revoke = (tx: Tx, id: string) =>
    tx
      .update(proxyKeys)
      .set({ revokedAt: ctx.now() })
      .where(and(eq(proxyKeys.id, id), isNull(proxyKeys.revokedAt)))

  return {
    async createProxyKey(input) {
      m.live()
      const name = checkKeyName(input.name)
      const limits = newKeyLimits(input.limits)
      const made = await m.mutate(
        async (tx) => {
          const account = await requireAccount(tx, input.accountId)
          const issued = await issue(tx, input.accountId, { name, limits, chosen: input.key })
          return { issued, account }
        },
        {
          // The new key goes into the index in place (no reload of every key); other replicas
          // learn it through the change version.
          keys: (index, { issued, account }) => {
            if (account.disabled) return
            index.add({
              hash: issued.hash,
              ...resolvedKey(issued.key, limitsFromText(account.limits)),
            })
          },
        },
      )
      // The hash stays inside the store.
      return { key: made.issued.key, secret: made.issued.secret }
    },
    async listProxyKeys(accountId) {
      const rows = await db
        .select()
        .from(proxyKeys)
        .where(accountId === undefined ? undefined : eq(proxyKeys.accountId, accountId))
        .orderBy(asc(proxyKeys.createdAt), asc(proxyKeys.id))
      return rows.map((r) => toProxyKey(fromDb(r)))
    },
    async revokeProxyKey(id) {
      m.live()
      const k = await getKey(id)
      if (!k) return null
      if (k.revokedAt) return toProxyKey(k)
      return m.mutate(
        async (tx) => {
          await revoke(tx, id)
          const row = await getKey(id, tx)
          return row ? toProxyKey(row) : null
        },
        { keys: true },
      )
    },
    async rotateProxyKey(id) {
      m.live()
      return m.mutate(
        async (tx) => {
          const k = await getKey(id, tx)
          if (!k) return null
          const issued = await issue(tx, k.accountId, { name: k.name, limits: k.limits })
          await revoke(tx, id)
          return { key: issued.key, secret: issued.secret }
        },
        { keys: true },
      )
    },
    async updateProxyKey(id, input) {
      m.live()
      return m.mutate(
        async (tx) => {
          // FOR UPDATE: two concurrent limit patches merge one after the other, none is lost.
          const [row] = await tx.select().from(proxyKeys).where(eq(proxyKeys.id, id)).for('update')
          if (!row) return null
          const k = fromDb(row)
          const changes = proxyKeyChanges(k, input)
          const set = {
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.limits !== undefined && { limits: limitsToText(changes.limits) }),
          }
          if (Object.keys(set).length > 0) {
            await tx.update(proxyKeys).set(set).where(eq(proxyKeys.id, id))
          }
          return toProxyKey({ ...k, ...changes })
        },
        { keys: true, bumpIf: (r) => r !== null },
      )
    },
    async markProxyKeyFirstUse(id, at) {
      m.live()
      const when = checkFirstUse(at)
      const { stored } = await m.mutate(
        async (tx) => {
          // First writer wins across replicas: only a NULL is ever overwritten.
          const [res] = await tx
            .update(proxyKeys)
            .set({ firstUsedAt: when })
            .where(and(eq(proxyKeys.id, id), isNull(proxyKeys.firstUsedAt)))
          // A locking read sees the winner even when another replica's write came first.
          const [row] = await tx
            .select({ firstUsedAt: proxyKeys.firstUsedAt })
            .from(proxyKeys)
            .where(eq(proxyKeys.id, id))
            .for('update')
          return { changed: res.affectedRows > 0, stored: row ? row.firstUsedAt : null }
        },
        {
          // Other replicas learn it through the change version (once per key, so cheap); this
          // one patches its index in place rather than reloading it.
          bumpIf: (r) => r.changed,
          keys: (index, r) => {
            if (r.stored) index.setFirstUse(id, r.stored.getTime())
          },
        },
      )
      return stored
    },
  }
}
