import { makeContext, type MemoryStoreConfig } from '../config'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import type { KeyIndexEntry } from '../key-index'
import { resolvedKey } from '../rows/proxy-keys'
import { BatchingUsageWriter } from '../usage/writer'
import { memoryAccounts } from './accounts'
import { memoryAudit } from './audit'
import { memoryDownloadLinks } from './download-links'
import { memoryHealthChecks } from './health-checks'
import { memoryImports } from './imports'
import { memoryNodeStates } from './node-states'
import { memoryBulk } from './bulk'
import { memoryNodes } from './nodes'
import { memoryNotifications } from './notifications'
import { memoryPrices, seedMemoryPrices } from './prices'
import { memoryProxyKeys } from './proxy-keys'
import { memoryRetention } from './retention'
import { memorySessions } from './sessions'
import { memoryShareLinks } from './share-links'
import { emptyState, type Mem, type MemoryState } from './state'
import { memoryTunnel } from './tunnel'
import { memoryUsageQueries, memoryUsageSink } from './usage'

/**
 * What a caller may hand the memory store instead of its defaults, so a test can look at the
 * rows it keeps and make its usage writes fail. `createStore` passes none.
 */
export interface MemoryStoreSeams {
  /** The (empty) state to keep everything in. Default: a new one. */
  state?: MemoryState
  /** While this answers true, usage batches fail to write. Default: never. */
  usageSinkFailing?: () => boolean
}

/**
 * The embedded store: everything in process memory, nothing persists. Same behaviour as the
 * MySQL adapter (the contract suite runs against both).
 */
export async function createMemoryStore(
  config: MemoryStoreConfig,
  seams: MemoryStoreSeams = {},
): Promise<Store> {
  const ctx = makeContext(config)
  const state = seams.state ?? emptyState()
  let closed = false

  const rebuildIndex = () => {
    const live: KeyIndexEntry[] = []
    for (const k of state.keys.values()) {
      const account = state.accounts.get(k.accountId)
      if (k.revokedAt || !account || account.disabled) continue
      live.push({ hash: k.keyHash, ...resolvedKey(k, account.limits) })
    }
    ctx.keys.replace(live)
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
  seedMemoryPrices(m)
  const usageSink = memoryUsageSink(m, seams.usageSinkFailing)
  const usageWriter = new BatchingUsageWriter(usageSink, config.usage)

  const accountPart = memoryAccounts(m)
  const keyPart = memoryProxyKeys(m)
  const sessionPart = memorySessions(m)
  return {
    kind: 'memory',
    ...accountPart,
    ...keyPart,
    async getSessionWithAccount(id) {
      const session = await sessionPart.getSession(id)
      if (!session) return null
      return { session, account: await accountPart.getAccount(session.accountId) }
    },
    async createAccountWithKey(input, key) {
      const account = await accountPart.createAccount(input)
      try {
        return { account, ...(await keyPart.createProxyKey({ ...key, accountId: account.id })) }
      } catch (error) {
        // Nothing else refers to the account yet: dropping its row undoes it whole.
        state.accounts.delete(account.id)
        m.changed()
        throw error
      }
    },
    resolveProxyKey: (secret) => ctx.keys.resolve(secret),
    ...sessionPart,
    ...memoryNodes(m),
    ...memoryBulk({ ...accountPart, ...keyPart, ...memoryNodes(m) }),
    ...memoryNodeStates(m),
    usageWriter,
    ...memoryUsageQueries(m),
    ...memoryHealthChecks(m),
    ...memoryPrices(m),
    ...memoryShareLinks(m),
    ...memoryDownloadLinks(m),
    ...memoryNotifications(m),
    ...memoryAudit(m),
    ...memoryTunnel(m),
    ...memoryImports(m, usageSink),
    ...memoryRetention(m),
    async changeVersion() {
      return state.version
    },
    onlyOwnChanges: () => false,
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
}
