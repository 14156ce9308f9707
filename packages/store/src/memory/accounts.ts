import {
  displayPrefix,
  generateSecret,
  hashSecret,
  newId,
  PROXY_KEY_PREFIX,
} from '../crypto/tokens'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import type { Account, ProxyKey, SessionRecord } from '../types/accounts'
import { checkName, checkPassword, checkTtl, EMPTY_SETTINGS, mergeSettings } from '../validate'
import type { AccountRow, KeyRow, Mem, SessionRow } from './state'

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

const toAccount = ({ passwordHash: _, ...a }: AccountRow): Account => ({
  ...a,
  settings: { ...a.settings },
})
const toKey = ({ hash: _, ...k }: KeyRow): ProxyKey => ({ ...k })

/** Accounts, proxy keys and sessions of the memory adapter. */
export function memoryAccounts(m: Mem): AccountMethods {
  const { state, ctx } = m
  // Logins and lookups match the name exactly; uniqueness ignores case (SPEC 9: `Admin` may not
  // sit beside `admin`), as MySQL's unique index on `name_folded` (lower(name)) does.
  const byName = (name: string) => [...state.accounts.values()].find((a) => a.name === name)
  const clashing = (name: string) => {
    const folded = name.toLowerCase()
    return [...state.accounts.values()].find((a) => a.name.toLowerCase() === folded)
  }

  const dropSessions = (accountId: string): number => {
    let n = 0
    for (const [hash, s] of state.sessions) {
      if (s.accountId === accountId) n += Number(state.sessions.delete(hash))
    }
    return n
  }

  const issueKey = (accountId: string, name: string | null, chosen?: string) => {
    const secret = chosen ?? generateSecret(PROXY_KEY_PREFIX)
    if (typeof secret !== 'string' || secret.length < 4 || secret.length > 512) {
      throw new StoreError('invalid', 'a proxy key must be 4 to 512 characters')
    }
    const hash = hashSecret(secret, ctx.pepper)
    if ([...state.keys.values()].some((k) => k.hash === hash)) {
      throw new StoreError('conflict', 'this proxy key is already in use')
    }
    const row: KeyRow = {
      id: newId(),
      accountId,
      name,
      prefix: displayPrefix(secret),
      hash,
      createdAt: ctx.now(),
      revokedAt: null,
      lastUsedAt: null,
    }
    state.keys.set(row.id, row)
    m.changed()
    return { key: toKey(row), secret }
  }

  const liveSession = (id: string): SessionRow | undefined => {
    const hash = hashSecret(String(id), ctx.pepper)
    const s = state.sessions.get(hash)
    // Expired rows stay until retention (as in MySQL), they just stop counting as sessions.
    return s && s.expiresAt.getTime() > ctx.clock.now() ? s : undefined
  }
  const toSession = (s: SessionRow, id: string): SessionRecord => ({ ...s, id })

  return {
    async createAccount(input) {
      m.live()
      const name = checkName(input.name, 'name')
      const passwordHash = await ctx.passwords.hash(checkPassword(input.password))
      if (clashing(name)) throw new StoreError('conflict', `account name "${name}" is taken`)
      const now = ctx.now()
      const row: AccountRow = {
        id: newId(),
        name,
        passwordHash,
        isAdmin: input.isAdmin ?? false,
        disabled: input.disabled ?? false,
        createdAt: now,
        updatedAt: now,
        settings: mergeSettings(EMPTY_SETTINGS, input.settings),
        activeNodeId: null,
      }
      state.accounts.set(row.id, row)
      m.changed()
      return toAccount(row)
    },
    async getAccount(id) {
      const a = state.accounts.get(id)
      return a ? toAccount(a) : null
    },
    async getAccountByName(name) {
      const a = byName(name)
      return a ? toAccount(a) : null
    },
    async listAccounts() {
      return [...state.accounts.values()].map(toAccount)
    },
    async updateAccount(id, patch) {
      m.live()
      const a = state.accounts.get(id)
      if (!a) return null
      const next: AccountRow = { ...a, settings: mergeSettings(a.settings, patch.settings) }
      if (patch.name !== undefined) {
        next.name = checkName(patch.name, 'name')
        const other = clashing(next.name)
        if (other && other.id !== id) throw new StoreError('conflict', 'account name is taken')
      }
      if (patch.password !== undefined) {
        next.passwordHash = await ctx.passwords.hash(checkPassword(patch.password))
      }
      if (patch.isAdmin !== undefined) next.isAdmin = Boolean(patch.isAdmin)
      if (patch.disabled !== undefined) next.disabled = Boolean(patch.disabled)
      if (patch.activeNodeId !== undefined) {
        const node = patch.activeNodeId === null ? null : state.nodes.get(patch.activeNodeId)
        if (patch.activeNodeId !== null && node?.accountId !== id) {
          throw new StoreError('invalid', 'activeNodeId must be a node of this account')
        }
        next.activeNodeId = patch.activeNodeId
      }
      next.updatedAt = ctx.now()
      state.accounts.set(id, next)
      if (patch.password !== undefined || (next.disabled && !a.disabled)) dropSessions(id)
      m.changed()
      return toAccount(next)
    },
    async deleteAccount(id) {
      m.live()
      if (!state.accounts.delete(id)) return false
      for (const [k, v] of state.keys) if (v.accountId === id) state.keys.delete(k)
      for (const [k, v] of state.nodes) {
        if (v.accountId !== id) continue
        state.nodes.delete(k)
        state.states.delete(k)
      }
      for (const [k, v] of state.channels) if (v.accountId === id) state.channels.delete(k)
      for (const [k, v] of state.subscriptions) {
        if (v.accountId === id) state.subscriptions.delete(k)
      }
      for (const [k, v] of state.shares) if (v.accountId === id) state.shares.delete(k)
      dropSessions(id)
      m.changed()
      return true
    },
    async verifyPassword(name, password) {
      const a = typeof name === 'string' ? byName(name) : undefined
      const ok = await ctx.passwords.verify(String(password), a?.passwordHash ?? null)
      return ok && a && !a.disabled ? toAccount(a) : null
    },
    async countAdmins() {
      return [...state.accounts.values()].filter((a) => a.isAdmin && !a.disabled).length
    },

    async createProxyKey(input) {
      m.live()
      if (!state.accounts.has(input.accountId)) {
        throw new StoreError('not_found', 'account not found')
      }
      return issueKey(input.accountId, input.name ?? null, input.key)
    },
    async listProxyKeys(accountId) {
      return [...state.keys.values()]
        .filter((k) => accountId === undefined || k.accountId === accountId)
        .map(toKey)
    },
    async revokeProxyKey(id) {
      m.live()
      const k = state.keys.get(id)
      if (!k) return null
      if (!k.revokedAt) {
        k.revokedAt = ctx.now()
        m.changed()
      }
      return toKey(k)
    },
    async rotateProxyKey(id) {
      m.live()
      const k = state.keys.get(id)
      if (!k) return null
      const issued = issueKey(k.accountId, k.name)
      k.revokedAt ??= ctx.now()
      m.changed()
      return issued
    },

    async createSession(accountId, ttlMs) {
      m.live()
      const ttl = checkTtl(ttlMs)
      if (!state.accounts.has(accountId)) throw new StoreError('not_found', 'account not found')
      const id = generateSecret('', 32)
      const now = ctx.clock.now()
      const row = {
        id: newId(),
        accountId,
        createdAt: new Date(now),
        expiresAt: new Date(now + ttl),
      }
      state.sessions.set(hashSecret(id, ctx.pepper), row)
      return toSession(row, id)
    },
    async getSession(id) {
      const s = liveSession(id)
      return s ? toSession(s, id) : null
    },
    async renewSession(id, ttlMs) {
      const ttl = checkTtl(ttlMs)
      const s = liveSession(id)
      if (!s) return null
      s.expiresAt = new Date(ctx.clock.now() + ttl)
      return toSession(s, id)
    },
    async deleteSession(id) {
      return state.sessions.delete(hashSecret(String(id), ctx.pepper))
    },
    async deleteSessionsForAccount(accountId) {
      return dropSessions(accountId)
    },
  }
}
