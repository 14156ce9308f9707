import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createStore, type Store } from '@qcc/store'
import { loadEnv } from '../env'
import { EventBus } from '../events/bus'
import { createLogger } from '../observability/logger'
import { propagateConfigChanges } from './config-propagation'
import { createRoutingRuntime } from './routing-runtime'

/**
 * A store whose whole-list read of nodes (the poll's) can be held after it read its rows, so a
 * test can commit a change and reload the account while a stale whole reload is in flight.
 */
function holdableStore(store: Store) {
  let hold: Promise<void> | undefined
  let read: () => void = () => {}
  const control = {
    /** Holds the next whole read; resolves `listed` once it has read its (stale) rows. */
    holdNextList() {
      let release: () => void = () => {}
      hold = new Promise<void>((resolve) => (release = resolve))
      const listed = new Promise<void>((resolve) => (read = resolve))
      return { listed, release }
    },
  }
  const wrapped: Store = {
    ...store,
    async listNodes(filter) {
      const rows = await store.listNodes(filter)
      const waiting = filter === undefined ? hold : undefined
      if (waiting) {
        hold = undefined
        read()
        await waiting
      }
      return rows
    },
  }
  return { store: wrapped, control }
}

/** The routing runtime on a store; its scheduler is never started, so no probe goes out. */
function routingOn(store: Store, bus: EventBus, log: ReturnType<typeof createLogger>) {
  return createRoutingRuntime({
    env: loadEnv({ PROXY_HEALTH_INTERVAL_SEC: '3600' }),
    store,
    bus,
    log,
    clock: { now: Date.now },
    random: Math.random,
    outbound: {
      request: () => Promise.reject(new Error('no network in this test')),
      close: async () => {},
    },
  })
}

/** The routing runtime and its config propagation, loaded once; the poll is never started. */
async function stackOn(store: Store, bus = new EventBus()) {
  const log = createLogger('silent')
  const routing = routingOn(store, bus, log)
  const config = propagateConfigChanges({ routing, bus, log, pollMs: 60_000 })
  await config.refresh()
  return {
    ...routing,
    refresh: config.refresh,
    refreshAccount: config.refreshAccount,
    stop: () => routing.sync.flush(),
  }
}

describe('config propagation: account reloads and whole reloads', () => {
  it('a whole reload that read the store before a change cannot undo its account reload', async () => {
    const base = await createStore({ kind: 'memory', secretKey: randomBytes(32) })
    const { store, control } = holdableStore(base)
    const account = await base.createAccount({ name: 'tenant', password: 'tenant-password-1' })
    const stack = await stackOn(store)
    // Another replica's change moves the version, so the next poll reloads whole.
    await base.updateAccount(account.id, { settings: { retryMax: 2 } })
    const { listed, release } = control.holdNextList()
    const poll = stack.refresh()
    await listed
    const node = await base.createNode({
      accountId: account.id,
      name: 'fresh',
      baseUrl: 'https://relay.example',
    })
    const local = stack.refreshAccount(account.id)
    release()
    await Promise.all([poll, local])
    expect(stack.directory.node(node.id)?.name).toBe('fresh')
    expect(stack.health.pool(account.id).map((e) => e.node.id)).toEqual([node.id])
    await stack.stop()
    await base.close()
  })

  it('an account reload puts a disable into the health machine with one transition', async () => {
    const store = await createStore({ kind: 'memory', secretKey: randomBytes(32) })
    const account = await store.createAccount({ name: 'tenant', password: 'tenant-password-1' })
    const node = await store.createNode({
      accountId: account.id,
      name: 'n1',
      baseUrl: 'https://relay.example',
    })
    const bus = new EventBus()
    const seen: string[] = []
    bus.subscribe((e) => {
      if (e.type === 'node.state') seen.push(`${e.data.from}->${e.data.to}`)
    })
    const stack = await stackOn(store, bus)
    await store.updateNode(node.id, { disabled: true })
    await stack.refreshAccount(account.id)
    expect(stack.health.get(node.id)?.health.status).toBe('disabled')
    // The poll sees the same change afterwards and announces nothing more.
    await stack.refresh()
    await stack.sync.flush()
    expect(seen).toEqual(['healthy->disabled'])
    await store.updateNode(node.id, { disabled: false })
    await stack.refreshAccount(account.id)
    await stack.refresh()
    await stack.sync.flush()
    expect(stack.health.get(node.id)?.health.status).toBe('healthy')
    expect(seen).toEqual(['healthy->disabled', 'disabled->healthy'])
    await stack.stop()
    await store.close()
  })

  it('a failed account reload of an own change still arrives with the poll', async () => {
    const base = await createStore({ kind: 'memory', secretKey: randomBytes(32) })
    const account = await base.createAccount({ name: 'tenant', password: 'tenant-password-1' })
    let failNext = false
    // Claims every change as its own (the MySQL adapter's answer for this replica's writes).
    const store: Store = {
      ...base,
      onlyOwnChanges: () => true,
      async getAccount(id) {
        if (failNext) {
          failNext = false
          throw new Error('database down for a moment')
        }
        return base.getAccount(id)
      },
    }
    const log = createLogger('silent')
    const bus = new EventBus()
    const routing = routingOn(store, bus, log)
    const config = propagateConfigChanges({ routing, bus, log, pollMs: 20 })
    await config.refresh()
    const node = await base.createNode({
      accountId: account.id,
      name: 'late',
      baseUrl: 'https://relay.example',
    })
    failNext = true
    await expect(config.refreshAccount(account.id)).rejects.toThrow('database down')
    config.start()
    for (let i = 0; i < 100 && !routing.directory.node(node.id); i++) {
      await new Promise((r) => setTimeout(r, 20))
    }
    config.stop()
    expect(routing.directory.node(node.id)?.name).toBe('late')
    await routing.sync.flush()
    await base.close()
  })
})
