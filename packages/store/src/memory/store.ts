import { makeContext, type MemoryStoreConfig } from '../config'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import { BatchingUsageWriter } from '../usage/writer'
import { checkPrice } from '../validate-extras'
import { memoryAccounts } from './accounts'
import { memoryDownloadLinks } from './download-links'
import { memoryExtras } from './extras'
import { memoryHousekeeping } from './housekeeping'
import { memoryNodes } from './nodes'
import { emptyState, type Mem, type MemoryState } from './state'
import { memoryUsageQueries, memoryUsageSink } from './usage'

/** Test hooks of a memory store (not part of the public API). */
export interface MemoryTestHooks {
  state: MemoryState
  /** Makes the usage sink fail while true (to test retries). */
  setSinkFailing(failing: boolean): void
}

const hooks = new WeakMap<Store, MemoryTestHooks>()

/** Test hooks of a store made by {@link createMemoryStore}, else undefined. */
export function memoryTestHooks(store: Store): MemoryTestHooks | undefined {
  return hooks.get(store)
}

/**
 * The embedded store: everything in process memory, nothing persists. Same behaviour as the
 * MySQL adapter (the contract suite runs against both).
 */
export async function createMemoryStore(config: MemoryStoreConfig): Promise<Store> {
  const ctx = makeContext(config)
  const state = emptyState()
  let closed = false
  let sinkFailing = false

  const rebuildIndex = () => {
    ctx.keys.replace(
      [...state.keys.values()]
        .filter((k) => !k.revokedAt && state.accounts.get(k.accountId)?.disabled === false)
        .map((k) => ({ hash: k.hash, accountId: k.accountId, keyId: k.id })),
    )
  }
  const m: Mem = {
    ctx,
    state,
    changed() {
      state.version++
      rebuildIndex()
    },
    live() {
      if (closed) throw new StoreError('closed', 'store is closed')
    },
  }
  for (const p of ctx.seedPrices) {
    state.prices.set(p.model, { ...checkPrice(p), updatedAt: ctx.now() })
  }
  const usageWriter = new BatchingUsageWriter(
    memoryUsageSink(m, () => sinkFailing),
    config.usage,
  )

  const store: Store = {
    kind: 'memory',
    ...memoryAccounts(m),
    resolveProxyKey: (secret) => ctx.keys.resolve(secret),
    ...memoryNodes(m),
    usageWriter,
    ...memoryUsageQueries(m),
    ...memoryExtras(m),
    ...memoryDownloadLinks(m),
    ...memoryHousekeeping(m),
    async changeVersion() {
      return state.version
    },
    async ping() {
      m.live()
    },
    async close() {
      if (closed) return
      try {
        await usageWriter.close()
      } finally {
        closed = true
      }
    },
  }
  hooks.set(store, {
    state,
    setSinkFailing: (failing) => {
      sinkFailing = failing
    },
  })
  return store
}
