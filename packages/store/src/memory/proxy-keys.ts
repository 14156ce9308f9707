import type { ProxyKeyStore } from '../interface'
import { accountNotFound } from '../rows/fields'
import { newProxyKeyRow, proxyKeyInUse, toProxyKey } from '../rows/proxy-keys'
import type { Mem } from './state'

/** Proxy keys of the memory adapter; every change rebuilds the key index (`m.changed`). */
export function memoryProxyKeys(m: Mem): ProxyKeyStore {
  const { state, ctx } = m
  const issue = (accountId: string, name: string | null, chosen?: string) => {
    const { row, secret } = newProxyKeyRow(ctx, accountId, name, chosen)
    if ([...state.keys.values()].some((k) => k.keyHash === row.keyHash)) throw proxyKeyInUse()
    state.keys.set(row.id, row)
    m.changed()
    return { key: toProxyKey(row), secret }
  }

  return {
    async createProxyKey(input) {
      m.live()
      if (!state.accounts.has(input.accountId)) throw accountNotFound()
      return issue(input.accountId, input.name ?? null, input.key)
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
      const issued = issue(k.accountId, k.name)
      k.revokedAt ??= ctx.now()
      m.changed()
      return issued
    },
  }
}
