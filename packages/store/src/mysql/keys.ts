import { and, asc, eq, gt, isNull } from 'drizzle-orm'
import {
  displayPrefix,
  generateSecret,
  hashSecret,
  newId,
  PROXY_KEY_PREFIX,
} from '../crypto/tokens'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import type { KeyIndexEntry } from '../key-index'
import type { ProxyKey, SessionRecord } from '../types/accounts'
import { checkTtl } from '../validate'
import { isDuplicate, type Db, type My, type Tx } from './db'
import { accounts, proxyKeys, sessions } from './schema'

type KeyMethods = Pick<
  Store,
  | 'createProxyKey'
  | 'listProxyKeys'
  | 'revokeProxyKey'
  | 'rotateProxyKey'
  | 'createSession'
  | 'getSession'
  | 'renewSession'
  | 'deleteSession'
  | 'deleteSessionsForAccount'
>

const toKey = ({ keyHash: _, ...k }: typeof proxyKeys.$inferSelect): ProxyKey => k

/** Live keys of enabled accounts, for the in-memory index. */
export async function loadKeyIndex(db: Db): Promise<KeyIndexEntry[]> {
  const rows = await db
    .select({ hash: proxyKeys.keyHash, accountId: proxyKeys.accountId, keyId: proxyKeys.id })
    .from(proxyKeys)
    .innerJoin(accounts, eq(accounts.id, proxyKeys.accountId))
    .where(and(isNull(proxyKeys.revokedAt), eq(accounts.disabled, false)))
  return rows
}

/** Proxy keys and sessions of the MySQL adapter. */
export function mysqlKeys(m: My): KeyMethods {
  const { db, ctx } = m

  const issue = async (tx: Tx, accountId: string, name: string | null, chosen?: string) => {
    const secret = chosen ?? generateSecret(PROXY_KEY_PREFIX)
    if (typeof secret !== 'string' || secret.length < 4 || secret.length > 512) {
      throw new StoreError('invalid', 'a proxy key must be 4 to 512 characters')
    }
    const row = {
      id: newId(),
      accountId,
      name,
      prefix: displayPrefix(secret),
      keyHash: hashSecret(secret, ctx.pepper),
      createdAt: ctx.now(),
      revokedAt: null,
      lastUsedAt: null,
    }
    try {
      await tx.insert(proxyKeys).values(row)
    } catch (error) {
      if (isDuplicate(error)) throw new StoreError('conflict', 'this proxy key is already in use')
      throw error
    }
    return { key: toKey(row), secret }
  }
  const getKey = async (id: string, dbh: Tx | Db = db) => {
    const [row] = await dbh.select().from(proxyKeys).where(eq(proxyKeys.id, id))
    return row
  }
  const liveSession = async (id: string) => {
    const [row] = await db
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.idHash, hashSecret(String(id), ctx.pepper)),
          gt(sessions.expiresAt, ctx.now()),
        ),
      )
    return row
  }
  const toSession = (row: typeof sessions.$inferSelect, id: string): SessionRecord => ({
    id,
    accountId: row.accountId,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  })

  return {
    async createProxyKey(input) {
      m.live()
      return m.mutate(
        async (tx) => {
          const [a] = await tx
            .select({ id: accounts.id })
            .from(accounts)
            .where(eq(accounts.id, input.accountId))
          if (!a) throw new StoreError('not_found', 'account not found')
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
      return rows.map(toKey)
    },
    async revokeProxyKey(id) {
      m.live()
      const k = await getKey(id)
      if (!k) return null
      if (k.revokedAt) return toKey(k)
      return m.mutate(
        async (tx) => {
          await tx
            .update(proxyKeys)
            .set({ revokedAt: ctx.now() })
            .where(and(eq(proxyKeys.id, id), isNull(proxyKeys.revokedAt)))
          const row = await getKey(id, tx)
          return row ? toKey(row) : null
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
          await tx
            .update(proxyKeys)
            .set({ revokedAt: ctx.now() })
            .where(and(eq(proxyKeys.id, id), isNull(proxyKeys.revokedAt)))
          return issued
        },
        { keys: true },
      )
    },

    async createSession(accountId, ttlMs) {
      m.live()
      const ttl = checkTtl(ttlMs)
      const [a] = await db
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(accounts.id, accountId))
      if (!a) throw new StoreError('not_found', 'account not found')
      const id = generateSecret('', 32)
      const now = ctx.clock.now()
      const row = {
        idHash: hashSecret(id, ctx.pepper),
        accountId,
        createdAt: new Date(now),
        expiresAt: new Date(now + ttl),
      }
      await db.insert(sessions).values(row)
      return toSession(row, id)
    },
    async getSession(id) {
      const row = await liveSession(id)
      return row ? toSession(row, id) : null
    },
    async renewSession(id, ttlMs) {
      const ttl = checkTtl(ttlMs)
      const row = await liveSession(id)
      if (!row) return null
      const expiresAt = new Date(ctx.clock.now() + ttl)
      await db.update(sessions).set({ expiresAt }).where(eq(sessions.idHash, row.idHash))
      return toSession({ ...row, expiresAt }, id)
    },
    async deleteSession(id) {
      const hash = hashSecret(String(id), ctx.pepper)
      const [res] = await db.delete(sessions).where(eq(sessions.idHash, hash))
      return res.affectedRows > 0
    },
    async deleteSessionsForAccount(accountId) {
      const [res] = await db.delete(sessions).where(eq(sessions.accountId, accountId))
      return res.affectedRows
    },
  }
}
