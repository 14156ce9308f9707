import { and, asc, eq, isNull } from 'drizzle-orm'
import type { ProxyKeyStore } from '../interface'
import type { KeyIndexEntry } from '../key-index'
import { newProxyKeyRow, proxyKeyInUse, toProxyKey } from '../rows/proxy-keys'
import { requireAccount } from './accounts'
import { isDuplicate, type Db, type My, type Tx } from './db'
import { accounts, proxyKeys } from './schema'

/** Live keys of enabled accounts, for the in-memory index. */
export async function loadKeyIndex(db: Db): Promise<KeyIndexEntry[]> {
  const rows = await db
    .select({ hash: proxyKeys.keyHash, accountId: proxyKeys.accountId, keyId: proxyKeys.id })
    .from(proxyKeys)
    .innerJoin(accounts, eq(accounts.id, proxyKeys.accountId))
    .where(and(isNull(proxyKeys.revokedAt), eq(accounts.disabled, false)))
  return rows
}

/** Proxy keys of the MySQL adapter; every change reloads the key index after its commit. */
export function mysqlProxyKeys(m: My): ProxyKeyStore {
  const { db, ctx } = m

  const issue = async (tx: Tx, accountId: string, name: string | null, chosen?: string) => {
    const { row, secret } = newProxyKeyRow(ctx, accountId, name, chosen)
    try {
      await tx.insert(proxyKeys).values(row)
    } catch (error) {
      throw isDuplicate(error) ? proxyKeyInUse() : error
    }
    return { key: toProxyKey(row), secret }
  }
  const getKey = async (id: string, dbh: Tx | Db = db) => {
    const [row] = await dbh.select().from(proxyKeys).where(eq(proxyKeys.id, id))
    return row
  }
  const revoke = (tx: Tx, id: string) =>
    tx
      .update(proxyKeys)
      .set({ revokedAt: ctx.now() })
      .where(and(eq(proxyKeys.id, id), isNull(proxyKeys.revokedAt)))

  return {
    async createProxyKey(input) {
      m.live()
      return m.mutate(
        async (tx) => {
          await requireAccount(tx, input.accountId)
          return issue(tx, input.accountId, input.name ?? null, input.key)
        },
        { keys: true },
      )
    },
    async listProxyKeys(accountId) {
      const rows = await db
        .select()
        .from(proxyKeys)
        .where(accountId === undefined ? undefined : eq(proxyKeys.accountId, accountId))
        .orderBy(asc(proxyKeys.createdAt), asc(proxyKeys.id))
      return rows.map(toProxyKey)
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
          const issued = await issue(tx, k.accountId, k.name)
          await revoke(tx, id)
          return issued
        },
        { keys: true },
      )
    },
  }
}
