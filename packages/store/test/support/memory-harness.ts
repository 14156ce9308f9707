import { createMemoryStore } from '../../src/memory/store'
import { emptyState, type MemoryState } from '../../src/memory/state'
import type { Store } from '../../src/interface'
import { type ContractHarness, TEST_SCRYPT, TEST_SECRET_KEY } from './harness'

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return [...value.entries()]
  if (value instanceof Set) return [...value.values()]
  return value
}

/**
 * A contract harness for the memory adapter: each store gets a state this harness keeps (to
 * dump it and edit node rows behind the store's back) and a switch that fails usage writes.
 */
export function memoryHarness(): ContractHarness {
  const opened = new WeakMap<Store, { state: MemoryState; down: { value: boolean } }>()
  const of = (store: Store) => {
    const seams = opened.get(store)
    if (!seams) throw new Error('not a store of this harness')
    return seams
  }
  const nodeRowOf = (store: Store, id: string) => {
    const row = of(store).state.nodes.get(id)
    if (!row) throw new Error(`no node row ${id}`)
    return row
  }
  return {
    async open(options = {}) {
      const state = emptyState()
      const down = { value: false }
      const store = await createMemoryStore(
        { kind: 'memory', secretKey: TEST_SECRET_KEY, passwordHash: TEST_SCRYPT, ...options },
        { state, usageSinkFailing: () => down.value },
      )
      opened.set(store, { state, down })
      return store
    },
    async dump(store) {
      return JSON.stringify(of(store).state, replacer)
    },
    async setDown(store, down) {
      of(store).down.value = down
    },
    nodeRow: {
      async get(store, id) {
        const row = nodeRowOf(store, id)
        return {
          sealedKey: row.apiKeyEnc,
          baseUrl: row.baseUrl,
          sealedHeaders: row.extraHeadersEnc,
        }
      },
      async set(store, id, patch) {
        const row = nodeRowOf(store, id)
        if (patch.sealedKey !== undefined) row.apiKeyEnc = patch.sealedKey
        if (patch.baseUrl !== undefined) row.baseUrl = patch.baseUrl
      },
    },
  }
}
