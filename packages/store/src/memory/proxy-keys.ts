import type { ProxyKeyStore } from '../interface'
import { accountNotFound } from '../rows/fields'
import {
  checkFirstUse,
  checkKeyName,
  newKeyLimits,
  newProxyKeyRow,
  proxyKeyChanges,
  proxyKeyInUse,
  toProxyKey,
  type NewProxyKey,
} from '../rows/proxy-keys'
import type { Mem } from './state'

/** Proxy keys of the memory adapter; every change rebuilds the key index (`m.changed`). */
export function memoryProxyKeys(m: Mem): ProxyKeyStore {
  const { state, ctx } = m
  const issue = (accountId: string, key: NewProxyKey) => {
    const { row, secret } = newProxyKeyRow(ctx, accountId, key)
    if ([...state.keys.values()].some((k) => k.keyHash === row.keyHash)) throw proxyKeyInUse()
    state.keys.set(row.id, row)
    m.changed()
    return { key: toProxyKey(row), secret }
  }

  return {
    async createProxyKey(input) {
      m.live()
      const name = checkKeyName(input.name)
      const limits = newKeyLimits(input.limits)
      if (!state.accounts.has(input.accountId)) throw accountNotFound()
      return issue(input.accountId, { name, limits, chosen: input.key })
    },
    async listProxyKeys(accountId) {
      return [...state.keys.values()]
        .filter((k) => accountId === undefined || k.accountId === accountId)
        .map(toProxyKey)
    },
    async revokeProxyKey(id) {
      m.live()
      const k = state.keys.get(id)
      if (!k) return null
      if (!k.revokedAt) {
        k.revokedAt = ctx.now()
        m.changed()
      }
      return toProxyKey(k)
    },
    async rotateProxyKey(id) {
      m.live()
      const k = state.keys.get(id)
      if (!k) return null
      const issued = issue(k.accountId, { name: k.name, limits: k.limits })
      k.revokedAt ??= ctx.now()
      m.changed()
      return issued
    },
    async updateProxyKey(id, input) {
      m.live()
      const k = state.keys.get(id)
      if (!k) return null
      Object.assign(k, proxyKeyChanges(k, input))
      m.changed()
      return toProxyKey(k)
    },
    async markProxyKeyFirstUse(id, at) {
      m.live()
      const when = checkFirstUse(at)
      const k = state.keys.get(id)
      if (!k) return null
      if (!k.firstUsedAt) {
        k.firstUsedAt = when
        m.changed()
      }
      return new Date(k.firstUsedAt)
    },
  }
}
