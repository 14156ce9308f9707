import type { AccountStore } from '../interface'
import {
  accountChanges,
  accountNameTaken,
  foreignActiveNode,
  mergeSettings,
  newAccountRow,
  patchAccountLimits,
  toAccount,
  type AccountRow,
  upgradeAfterLogin,
} from '../rows/accounts'
import { dropSessions } from './sessions'
import type { Mem } from './state'

/** Accounts of the memory adapter; deleting one cascades as MySQL's transaction does. */
// `createAccountWithKey` spans accounts and keys: memory/store.ts composes it from both parts.
export function memoryAccounts(m: Mem): Omit<AccountStore, 'createAccountWithKey'> {
  const { state, ctx } = m
  // Logins and lookups match the name exactly; uniqueness ignores case (docs/contract.md §9: `Admin` may not
  // sit beside `admin`), as MySQL's unique index on `name_folded` (lower(name)) does.
  const byName = (name: string) => [...state.accounts.values()].find((a) => a.name === name)
  const clashing = (name: string, except?: string) => {
    const folded = name.toLowerCase()
    return [...state.accounts.values()].some(
      (a) => a.name.toLowerCase() === folded && a.id !== except,
    )
  }

  return {
    async createAccount(input) {
      m.live()
      const row = await newAccountRow(ctx, input)
      if (clashing(row.name)) throw accountNameTaken(row.name)
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
      const changes = await accountChanges(ctx, patch)
      const a = state.accounts.get(id)
      if (!a) return null
      const next: AccountRow = {
        ...a,
        ...changes,
        settings: mergeSettings(a.settings, patch.settings),
        limits: patchAccountLimits(a.limits, patch) ?? a.limits,
        updatedAt: ctx.now(),
      }
      if (changes.name !== undefined && clashing(changes.name, id)) {
        throw accountNameTaken(changes.name)
      }
      if (patch.activeNodeId !== undefined) {
        const node = patch.activeNodeId === null ? null : state.nodes.get(patch.activeNodeId)
        if (patch.activeNodeId !== null && node?.accountId !== id) throw foreignActiveNode()
        next.activeNodeId = patch.activeNodeId
      }
      state.accounts.set(id, next)
      if (changes.passwordHash !== undefined || (next.disabled && !a.disabled)) {
        dropSessions(state, id)
      }
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
      dropSessions(state, id)
      m.changed()
      return true
    },
    async verifyPassword(name, password) {
      const a = typeof name === 'string' ? byName(name) : undefined
      const ok = await ctx.passwords.verify(String(password), a?.passwordHash ?? null)
      if (!ok || !a || a.disabled) return null
      const stored = a.passwordHash
      // As MySQL's guarded UPDATE: only when the row still holds the hash that matched.
      await upgradeAfterLogin(ctx, stored, String(password), async (next) => {
        const now = state.accounts.get(a.id)
        if (now?.passwordHash === stored) state.accounts.set(a.id, { ...now, passwordHash: next })
      })
      return toAccount(a)
    },
    async countAdmins() {
      return [...state.accounts.values()].filter((a) => a.isAdmin && !a.disabled).length
    },
  }
}
