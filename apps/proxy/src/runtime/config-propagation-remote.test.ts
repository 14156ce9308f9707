import type { NodeRecord } from '@qcc/store'
import { describe, expect, it } from 'vitest'
import { EventBus, type ConsoleEvent } from '../events/bus'
import { createLogger } from '../observability/logger'
import { propagateConfigChanges, type ConfigPropagationDeps } from './config-propagation'

/** A promise the test settles by hand. */
function gate() {
  let open: () => void = () => {}
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

/**
 * The routing parts config propagation drives, recording what it asks for. `holdSync` makes the
 * next whole syncs wait until released, so a test can pile events up behind one in flight.
 */
function fakeRouting() {
  const calls: string[] = []
  /** The accounts of each account reload, one list per reload job. */
  const batches: string[][] = []
  let held: Promise<void> | undefined
  let inFlight = 0
  let maxInFlight = 0
  const nodes: NodeRecord[] = []
  const routing = {
    directory: {
      refresh: async () => {
        calls.push('directory.refresh')
        return false
      },
      all: () => nodes,
      refreshAccount: async (id: string) => void calls.push(`directory.refreshAccount:${id}`),
      refreshAccounts: async (ids: readonly string[]) => {
        batches.push([...ids])
        calls.push(...ids.map((id) => `directory.refreshAccount:${id}`))
      },
      nodesOf: () => nodes,
    },
    prices: { refresh: async () => void calls.push('prices.refresh') },
    sync: {
      sync: async () => {
        calls.push('sync.sync')
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        await held
        inFlight--
      },
      syncAccount: (id: string) => void calls.push(`sync.syncAccount:${id}`),
    },
    stickyResets: { apply: () => undefined },
  }
  return {
    // Only the methods config propagation calls are faked; the cast says so once, here.
    routing: routing as unknown as ConfigPropagationDeps['routing'],
    calls,
    batches,
    maxInFlight: () => maxInFlight,
    holdSync() {
      const g = gate()
      held = g.opened
      return () => {
        held = undefined
        g.open()
      }
    },
  }
}

function stack() {
  const bus = new EventBus((err) => {
    throw err
  })
  const fake = fakeRouting()
  const config = propagateConfigChanges({
    routing: fake.routing,
    bus,
    log: createLogger('silent'),
    pollMs: 60_000,
  })
  return { bus, config, ...fake }
}

const at = '2026-11-27T00:00:00.000Z'
const configChanged = (accountId: string | null, remote?: true): ConsoleEvent => ({
  type: 'config.changed',
  accountId,
  data: { at },
  ...(remote ? { remote } : {}),
})
const nodeState = (remote?: true): ConsoleEvent => ({
  type: 'node.state',
  accountId: 'acc-1',
  data: { node_id: 'n1', account_id: 'acc-1', from: 'healthy', to: 'failed', reason: 'x', at },
  ...(remote ? { remote } : {}),
})

/** Lets every queued reload run (each is a few promise turns; bounded). */
async function drain(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve))
}

describe("config propagation: other replicas' events", () => {
  it("reloads the account of another replica's config.changed at once", async () => {
    const { bus, config, calls } = stack()
    const position = config.localChanges.position()
    bus.publish(configChanged('acc-1', true))
    // The admin barrier also covers reloads started by remote events (docs/contract.md §9).
    await config.localChanges.settled(position)
    expect(calls).toEqual(['directory.refreshAccount:acc-1', 'sync.syncAccount:acc-1'])
    bus.publish(configChanged(null, true))
    await config.localChanges.settled(position)
    expect(calls.at(-1)).toBe('prices.refresh')
    // An account reload is not a whole one: nothing more was read.
    expect(calls).not.toContain('directory.refresh')
  })

  it('answers a local change only once its own reload ran, with remote reloads around it', async () => {
    const { bus, config, calls, holdSync } = stack()
    const release = holdSync()
    bus.publish(nodeState(true)) // a whole reload in flight, held
    bus.publish(configChanged('acc-2', true))
    const position = config.localChanges.position()
    bus.publish(configChanged('acc-1'))
    let answered = false
    const settled = config.localChanges.settled(position).then(() => (answered = true))
    await drain()
    expect(answered).toBe(false)
    release()
    await settled
    expect(calls).toContain('directory.refreshAccount:acc-1')
    // Reloads take turns in the order asked: the local one is not overtaken.
    expect(calls.filter((c) => c.startsWith('directory.refreshAccount'))).toEqual([
      'directory.refreshAccount:acc-2',
      'directory.refreshAccount:acc-1',
    ])
  })

  it('reloads the accounts changed while a reload waited in one reload, each answered after it', async () => {
    const { bus, config, batches, holdSync } = stack()
    const release = holdSync()
    bus.publish(nodeState(true)) // a whole reload in flight, held
    const position = config.localChanges.position()
    for (const id of ['acc-1', 'acc-2', 'acc-3']) bus.publish(configChanged(id))
    const settled = config.localChanges.settled(position)
    await drain()
    expect(batches).toEqual([])
    release()
    await settled
    expect(batches).toEqual([['acc-1', 'acc-2', 'acc-3']])
    bus.publish(configChanged('acc-4'))
    await config.localChanges.settled(position + 3)
    expect(batches).toEqual([['acc-1', 'acc-2', 'acc-3'], ['acc-4']])
  })

  it("syncs node state after another replica's transition, not after this replica's", async () => {
    const { bus, calls } = stack()
    bus.publish(nodeState())
    await drain()
    expect(calls).toEqual([])
    bus.publish(nodeState(true))
    await drain()
    expect(calls).toEqual(['directory.refresh', 'sync.sync'])
  })

  it('coalesces a burst of remote transitions: one reload in flight and one queued', async () => {
    const { bus, calls, holdSync, maxInFlight } = stack()
    const release = holdSync()
    bus.publish(nodeState(true))
    await drain()
    expect(calls.filter((c) => c === 'sync.sync')).toHaveLength(1)
    for (let i = 0; i < 20; i++) bus.publish(nodeState(true))
    release()
    await drain()
    // The first, then one more that read after all twenty; never two at once.
    expect(calls.filter((c) => c === 'sync.sync')).toHaveLength(2)
    expect(maxInFlight()).toBe(1)
  })
})
