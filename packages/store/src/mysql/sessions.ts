import { and, eq, gt, sql } from 'drizzle-orm'
import type { SessionStore } from '../interface'
import { checkTtl, newSession, sessionIdHash, toSession } from '../rows/sessions'
import { requireAccount, toAccount } from './accounts'
import type { My } from './db'
import { accountSettings, accounts, sessions } from './schema'

/** Sessions of the MySQL adapter (not config: no version bump, shared by every replica). */
export function mysqlSessions(m: My): SessionStore {
  const { db, ctx } = m
  const liveWhere = (id: string) =>
    and(eq(sessions.idHash, sessionIdHash(ctx, id)), gt(sessions.expiresAt, ctx.now()))
  const live = async (id: string) => {
    const [row] = await db.select().from(sessions).where(liveWhere(id))
    return row
  }

  // Built once: it runs before every admin request.
  const withAccount = db
    .select({ session: sessions, a: accounts, s: accountSettings })
    .from(sessions)
    .leftJoin(accounts, eq(accounts.id, sessions.accountId))
    .leftJoin(accountSettings, eq(accountSettings.accountId, sessions.accountId))
    .where(
      and(
        eq(sessions.idHash, sql.placeholder('idHash')),
        gt(sessions.expiresAt, sql.placeholder('now')),
      ),
    )
    .prepare()

  return {
    async createSession(accountId, ttlMs) {
      m.live()
      const ttl = checkTtl(ttlMs)
      await requireAccount(db, accountId)
      const { id, row } = newSession(ctx, accountId, ttl)
      await db.insert(sessions).values(row)
      return toSession(row, id)
    },
    async getSession(id) {
      const row = await live(id)
      return row ? toSession(row, id) : null
    },
    async getSessionWithAccount(id) {
      const [row] = await withAccount.execute({
        idHash: sessionIdHash(ctx, id),
        // A placeholder skips the column's encoding: done here, as a bound Date would be.
        now: sessions.expiresAt.mapToDriverValue(ctx.now()),
      })
      if (!row) return null
      const account = row.a ? toAccount({ a: row.a, s: row.s }) : null
      return { session: toSession(row.session, id), account }
    },
    async renewSession(id, ttlMs) {
      const ttl = checkTtl(ttlMs)
      const row = await live(id)
      if (!row) return null
      const expiresAt = new Date(ctx.clock.now() + ttl)
      await db.update(sessions).set({ expiresAt }).where(eq(sessions.idHash, row.idHash))
      return toSession({ ...row, expiresAt }, id)
    },
    async deleteSession(id) {
      const [res] = await db.delete(sessions).where(eq(sessions.idHash, sessionIdHash(ctx, id)))
      return res.affectedRows > 0
    },
    async deleteSessionsForAccount(accountId) {
      const [res] = await db.delete(sessions).where(eq(sessions.accountId, accountId))
      return res.affectedRows
    },
  }
}
