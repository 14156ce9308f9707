import type { SessionStore } from '../interface'
import { accountNotFound } from '../rows/fields'
import { checkTtl, newSession, sessionIdHash, toSession } from '../rows/sessions'
import type { Mem, MemoryState } from './state'

/** Deletes every session of an account; returns how many there were. */
export function dropSessions(state: MemoryState, accountId: string): number {
  let n = 0
  for (const [hash, s] of state.sessions) {
    if (s.accountId === accountId) n += Number(state.sessions.delete(hash))
  }
  return n
}

/** Sessions of the memory adapter. */
// `getSessionWithAccount` reads accounts too: memory/store.ts composes it.
export function memorySessions(m: Mem): Omit<SessionStore, 'getSessionWithAccount'> {
  const { state, ctx } = m
  const live = (id: string) => {
    const s = state.sessions.get(sessionIdHash(ctx, id))
    // Expired rows stay until retention (as in MySQL), they just stop counting as sessions.
    return s && s.expiresAt.getTime() > ctx.clock.now() ? s : undefined
  }

  return {
    async createSession(accountId, ttlMs) {
      m.live()
      const ttl = checkTtl(ttlMs)
      if (!state.accounts.has(accountId)) throw accountNotFound()
      const { id, row } = newSession(ctx, accountId, ttl)
      state.sessions.set(row.idHash, row)
      return toSession(row, id)
    },
    async getSession(id) {
      const s = live(id)
      return s ? toSession(s, id) : null
    },
    async renewSession(id, ttlMs) {
      const ttl = checkTtl(ttlMs)
      const s = live(id)
      if (!s) return null
      s.expiresAt = new Date(ctx.clock.now() + ttl)
      return toSession(s, id)
    },
    async deleteSession(id) {
      return state.sessions.delete(sessionIdHash(ctx, id))
    },
    async deleteSessionsForAccount(accountId) {
      return dropSessions(state, accountId)
    },
  }
}
