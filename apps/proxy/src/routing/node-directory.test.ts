import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DEFAULTS } from '@qcc/core'
import { createStore, type Store } from '@qcc/store'
import { NodeDirectory } from './node-directory'

const open = () => createStore({ kind: 'memory', secretKey: randomBytes(32) })
const BASE = {
  retryMax: DEFAULTS.retryMax,
  failThreshold: DEFAULTS.failThreshold,
  healthIntervalMs: DEFAULTS.healthIntervalMs,
  stickyTtlMs: DEFAULTS.stickyTtlMs,
}

async function tenant(store: Store, name: string) {
  const account = await store.createAccount({ name, password: `${name}-password-1` })
  const node = await store.createNode({
    accountId: account.id,
    name: `${name}-node`,
    baseUrl: 'https://relay.example',
    apiKey: `sk-ant-${name}-key-1`,
  })
  return { account, node }
}

describe('NodeDirectory.refreshAccount', () => {
  it('reloads one account: a new node, changed settings and the active node', async () => {
    const store = await open()
    const a = await tenant(store, 'alpha')
    const directory = new NodeDirectory(store, BASE)
    await directory.refresh()
    const added = await store.createNode({
      accountId: a.account.id,
      name: 'second',
      baseUrl: 'https://second.example',
    })
    await store.updateAccount(a.account.id, { settings: { retryMax: 7 }, activeNodeId: added.id })
    await directory.refreshAccount(a.account.id)
    expect(directory.nodesOf(a.account.id).map((n) => n.name)).toEqual(['alpha-node', 'second'])
    expect(directory.node(added.id)?.name).toBe('second')
    expect(directory.account(a.account.id)?.settings.retryMax).toBe(7)
    expect(directory.settings(a.account.id)).toEqual({ ...BASE, retryMax: 7 })
    expect(directory.account(a.account.id)?.activeNodeId).toBe(added.id)
    await store.close()
  })

  it('leaves every other account as it was loaded (only the changed account is read)', async () => {
    const store = await open()
    const a = await tenant(store, 'alpha')
    const b = await tenant(store, 'beta')
    const directory = new NodeDirectory(store, BASE)
    await directory.refresh()
    await store.updateNode(b.node.id, { name: 'beta-renamed' })
    await store.createNode({ accountId: a.account.id, name: 'more', baseUrl: 'https://m.example' })
    await directory.refreshAccount(a.account.id)
    expect(directory.node(b.node.id)?.name).toBe('beta-node')
    expect(directory.nodesOf(a.account.id)).toHaveLength(2)
    await store.close()
  })

  it('drops deleted nodes and a deleted account, with their keys; a changed key is read again', async () => {
    const store = await open()
    const a = await tenant(store, 'alpha')
    const directory = new NodeDirectory(store, BASE)
    await directory.refresh()
    expect(directory.apiKeyNow(a.node.id)).toBe('sk-ant-alpha-key-1')
    expect(await directory.apiKey(a.node.id)).toBe('sk-ant-alpha-key-1')
    await store.updateNode(a.node.id, { apiKey: 'sk-ant-alpha-key-2' })
    await directory.refreshAccount(a.account.id)
    expect(directory.apiKeyNow(a.node.id)).toBe('sk-ant-alpha-key-2')
    expect(await directory.apiKey(a.node.id)).toBe('sk-ant-alpha-key-2')
    await store.deleteAccount(a.account.id)
    await directory.refreshAccount(a.account.id)
    expect(directory.account(a.account.id)).toBeUndefined()
    expect(directory.node(a.node.id)).toBeUndefined()
    expect(directory.nodesOf(a.account.id)).toEqual([])
    expect(directory.all()).toEqual([])
    await store.close()
  })

  it('does not count as a whole reload: the next poll still reloads the moved version', async () => {
    const store = await open()
    const a = await tenant(store, 'alpha')
    const b = await tenant(store, 'beta')
    const directory = new NodeDirectory(store, BASE)
    await directory.refresh()
    // Another replica's change (beta) and this replica's own (alpha) land in the same version gap.
    await store.updateNode(b.node.id, { weight: 5 })
    await store.updateNode(a.node.id, { weight: 3 })
    await directory.refreshAccount(a.account.id)
    expect(directory.node(b.node.id)?.weight).toBe(1)
    expect(await directory.refresh()).toBe(true)
    expect(directory.node(b.node.id)?.weight).toBe(5)
    expect(directory.node(a.node.id)?.weight).toBe(3)
    expect(await directory.refresh()).toBe(false)
    await store.close()
  })
})

/** The store with its key reads counted, and failing while `failing` is set. */
function keyReads(store: Store) {
  // `count`: single reads (a request's retry); `bulk`: whole loads, each of many nodes.
  const reads = { count: 0, bulk: 0, failing: false }
  const wrapped: Store = {
    ...store,
    async getNodeApiKey(id) {
      reads.count++
      if (reads.failing) throw new Error('database down')
      return store.getNodeApiKey(id)
    },
    async getNodeApiKeys(ids) {
      reads.bulk++
      if (reads.failing) throw new Error('database down')
      return store.getNodeApiKeys(ids)
    },
  }
  return { store: wrapped, reads }
}

describe('NodeDirectory keys and settings', () => {
  it('reads every key as it loads, in one read, so the request path reads none', async () => {
    const base = await open()
    const a = await tenant(base, 'alpha')
    const b = await tenant(base, 'beta')
    const keyless = await base.createNode({
      accountId: a.account.id,
      name: 'keyless',
      baseUrl: 'https://keyless.example',
    })
    const { store, reads } = keyReads(base)
    const directory = new NodeDirectory(store, BASE)
    await directory.refresh()
    expect(reads).toMatchObject({ bulk: 1, count: 0 })
    expect(directory.apiKeyNow(a.node.id)).toBe('sk-ant-alpha-key-1')
    expect(directory.apiKeyNow(b.node.id)).toBe('sk-ant-beta-key-1')
    expect(directory.apiKeyNow(keyless.id)).toBeNull()
    expect(reads).toMatchObject({ bulk: 1, count: 0 })
    await base.close()
  })

  it('a key that could not be read fails its request and is read again for the next', async () => {
    const base = await open()
    const a = await tenant(base, 'alpha')
    const { store, reads } = keyReads(base)
    const directory = new NodeDirectory(store, BASE)
    reads.failing = true
    await directory.refresh()
    expect(directory.node(a.node.id)?.name).toBe('alpha-node')
    reads.failing = false
    expect(() => directory.apiKeyNow(a.node.id)).toThrow('database down')
    // The second call finds the read that the first one started.
    await expect(directory.apiKey(a.node.id)).resolves.toBe('sk-ant-alpha-key-1')
    expect(directory.apiKeyNow(a.node.id)).toBe('sk-ant-alpha-key-1')
    expect(reads).toMatchObject({ bulk: 1, count: 1 })
    await base.close()
  })

  it("gives core's effective settings: overrides in bounds, else the base", async () => {
    const store = await open()
    const a = await tenant(store, 'alpha')
    await store.updateAccount(a.account.id, { settings: { failThreshold: 9, stickyTtlMs: 0 } })
    const directory = new NodeDirectory(store, BASE)
    await directory.refresh()
    expect(directory.settings(a.account.id)).toEqual({ ...BASE, failThreshold: 9, stickyTtlMs: 0 })
    expect(directory.settings('no-such-account')).toBe(BASE)
    await store.close()
  })
})

describe('NodeDirectory.pollRefresh', () => {
  /** A store that says whether the versions moved were its own, as the MySQL adapter does. */
  const claiming = (store: Store, own: { now: boolean }): Store => ({
    ...store,
    onlyOwnChanges: () => own.now,
  })

  it('takes versions only own (already applied) changes moved as read; refresh still reloads', async () => {
    const base = await open()
    const own = { now: true }
    const store = claiming(base, own)
    const a = await tenant(base, 'alpha')
    const directory = new NodeDirectory(store, BASE)
    await directory.refresh()
    const added = await base.createNode({
      accountId: a.account.id,
      name: 'own-change',
      baseUrl: 'https://own.example',
    })
    expect(await directory.pollRefresh()).toBe(false)
    expect(directory.node(added.id)).toBeUndefined()
    // An explicit refresh reads whatever moved the version.
    const other = await base.createNode({
      accountId: a.account.id,
      name: 'seen-by-refresh',
      baseUrl: 'https://refresh.example',
    })
    expect(await directory.refresh()).toBe(true)
    expect(directory.node(other.id)?.name).toBe('seen-by-refresh')
    await base.close()
  })

  it("reloads for another writer's change, and after an own change failed to apply", async () => {
    const base = await open()
    const own = { now: false }
    const store = claiming(base, own)
    const a = await tenant(base, 'alpha')
    const directory = new NodeDirectory(store, BASE)
    await directory.refresh()
    const foreign = await base.createNode({
      accountId: a.account.id,
      name: 'foreign',
      baseUrl: 'https://foreign.example',
    })
    expect(await directory.pollRefresh()).toBe(true)
    expect(directory.node(foreign.id)?.name).toBe('foreign')
    own.now = true
    const lost = await base.createNode({
      accountId: a.account.id,
      name: 'lost-reload',
      baseUrl: 'https://lost.example',
    })
    directory.markStale()
    expect(await directory.pollRefresh()).toBe(true)
    expect(directory.node(lost.id)?.name).toBe('lost-reload')
    // Applied whole: the next own change is skipped again.
    await base.updateNode(lost.id, { name: 'renamed' })
    expect(await directory.pollRefresh()).toBe(false)
    await base.close()
  })
})
