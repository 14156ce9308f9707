import { describeStoreContract } from '../contract'
import { TEST_SCRYPT, TEST_SECRET_KEY } from '../contract/harness'
import { createStore } from '../create-store'
import { memoryTestHooks } from './store'

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return [...value.entries()]
  if (value instanceof Set) return [...value.values()]
  return value
}

describeStoreContract('memory', {
  open: (o = {}) =>
    createStore({ kind: 'memory', secretKey: TEST_SECRET_KEY, passwordHash: TEST_SCRYPT, ...o }),
  async dump(store) {
    return JSON.stringify(memoryTestHooks(store)?.state, replacer)
  },
  async setDown(store, down) {
    memoryTestHooks(store)?.setSinkFailing(down)
  },
  nodeRow: {
    async get(store, id) {
      const row = memoryTestHooks(store)?.state.nodes.get(id)
      if (!row) throw new Error(`no node row ${id}`)
      return { sealedKey: row.apiKeySealed, baseUrl: row.baseUrl }
    },
    async set(store, id, patch) {
      const row = memoryTestHooks(store)?.state.nodes.get(id)
      if (!row) throw new Error(`no node row ${id}`)
      if (patch.sealedKey !== undefined) row.apiKeySealed = patch.sealedKey
      if (patch.baseUrl !== undefined) row.baseUrl = patch.baseUrl
    },
  },
})
