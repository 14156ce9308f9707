import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import { contractPart, healthy } from '../support/harness'

/** Accounts: names, passwords, settings, the active node and the delete cascade. */
export const accountContract = contractPart('accounts', (stores) => {
  it('creates, reads, lists, updates and deletes', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'alice', password: 'pw-alice-1' })
    expect(a).toMatchObject({
      name: 'alice',
      isAdmin: false,
      disabled: false,
      activeNodeId: null,
    })
    expect(a.settings).toEqual({
      retryMax: null,
      failThreshold: null,
      healthIntervalMs: null,
      stickyTtlMs: null,
      stickyPolicy: null,
      stickyBreakTtfbMs: null,
    })
    expect(a).not.toHaveProperty('passwordHash')
    expect(await store.getAccount(a.id)).toEqual(a)
    expect(await store.getAccountByName('alice')).toEqual(a)
    expect(await store.getAccount('nope')).toBeNull()
    const b = await store.createAccount({ name: 'bob', password: 'pw-bob-1', isAdmin: true })
    expect((await store.listAccounts()).map((x) => x.name)).toEqual(['alice', 'bob'])
    const u = await store.updateAccount(a.id, { name: 'alice2', settings: { retryMax: 5 } })
    expect(u).toMatchObject({ name: 'alice2', settings: { retryMax: 5, failThreshold: null } })
    const u2 = await store.updateAccount(a.id, { settings: { failThreshold: 2, retryMax: null } })
    expect(u2?.settings).toMatchObject({ retryMax: null, failThreshold: 2 })
    expect(await store.updateAccount('nope', { name: 'x' })).toBeNull()
    expect(await store.deleteAccount(b.id)).toBe(true)
    expect(await store.deleteAccount(b.id)).toBe(false)
    expect(await store.getAccount(b.id)).toBeNull()
  })

  it('refuses duplicate names and bad settings', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'dup', password: 'x1234567' })
    await store.createAccount({ name: 'other', password: 'x1234567' })
    const err = await store.createAccount({ name: 'dup', password: 'y' }).catch((e) => e)
    expect(isStoreError(err, 'conflict')).toBe(true)
    const err2 = await store.updateAccount(a.id, { name: 'other' }).catch((e) => e)
    expect(isStoreError(err2, 'conflict')).toBe(true)
    const err3 = await store
      .updateAccount(a.id, { settings: { healthIntervalMs: 0 } })
      .catch((e) => e)
    expect(isStoreError(err3, 'invalid')).toBe(true)
  })

  it('keeps names unique regardless of case; lookups and logins match exactly', async () => {
    const store = await stores.open()
    const admin = await store.createAccount({ name: 'admin', password: 'pw-admin-1' })
    const tenant = await store.createAccount({ name: 'tenant', password: 'pw-tenant-1' })
    for (const name of ['Admin', 'ADMIN', 'aDmIn']) {
      const err = await store.createAccount({ name, password: 'pw-x-1' }).catch((e) => e)
      expect(isStoreError(err, 'conflict'), name).toBe(true)
    }
    const renamed = await store.updateAccount(tenant.id, { name: 'Admin' }).catch((e) => e)
    expect(isStoreError(renamed, 'conflict')).toBe(true)
    expect((await store.getAccount(tenant.id))?.name).toBe('tenant')
    // A change of case of one's own name is no clash.
    expect((await store.updateAccount(admin.id, { name: 'Admin' }))?.name).toBe('Admin')
    expect((await store.updateAccount(admin.id, { name: 'admin' }))?.name).toBe('admin')
    expect((await store.listAccounts()).map((a) => a.name)).toEqual(['admin', 'tenant'])
    expect(await store.getAccountByName('ADMIN')).toBeNull()
    expect(await store.verifyPassword('ADMIN', 'pw-admin-1')).toBeNull()
    expect((await store.verifyPassword('admin', 'pw-admin-1'))?.id).toBe(admin.id)
  })

  it('keeps time settings in milliseconds, whole seconds from 1 s to 1 h', async () => {
    const store = await stores.open()
    const a = await store.createAccount({
      name: 'timed',
      password: 'pw',
      settings: { healthIntervalMs: 30_000, stickyTtlMs: 600_000 },
    })
    expect(a.settings).toMatchObject({ healthIntervalMs: 30_000, stickyTtlMs: 600_000 })
    expect((await store.getAccount(a.id))?.settings).toEqual(a.settings)
    const longest = await store.updateAccount(a.id, { settings: { healthIntervalMs: 3_600_000 } })
    expect(longest?.settings.healthIntervalMs).toBe(3_600_000)
    for (const settings of [
      { healthIntervalMs: 1500 },
      { healthIntervalMs: 3_601_000 },
      { stickyTtlMs: 250 },
      { retryMax: 1.5 },
    ]) {
      const err = await store.updateAccount(a.id, { settings }).catch((e) => e)
      expect(isStoreError(err, 'invalid'), JSON.stringify(settings)).toBe(true)
    }
    const unset = await store.updateAccount(a.id, { settings: { stickyTtlMs: null } })
    expect(unset?.settings).toMatchObject({ healthIntervalMs: 3_600_000, stickyTtlMs: null })
    expect((await store.getAccount(a.id))?.settings).toEqual(unset?.settings)
  })

  it('verifies passwords and counts admins', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'root', password: 'secret-1', isAdmin: true })
    expect((await store.verifyPassword('root', 'secret-1'))?.id).toBe(a.id)
    expect(await store.verifyPassword('root', 'secret-2')).toBeNull()
    expect(await store.verifyPassword('ghost', 'secret-1')).toBeNull()
    expect(await store.countAdmins()).toBe(1)
    await store.updateAccount(a.id, { password: 'secret-3' })
    expect(await store.verifyPassword('root', 'secret-1')).toBeNull()
    expect((await store.verifyPassword('root', 'secret-3'))?.id).toBe(a.id)
    await store.updateAccount(a.id, { disabled: true })
    expect(await store.verifyPassword('root', 'secret-3')).toBeNull()
    expect(await store.countAdmins()).toBe(0)
  })

  it('creates an account without a password: nobody logs in until one is set', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'keys-only', password: null })
    // The stored marker is no hash: neither it nor anything else verifies.
    for (const guess of ['!', '', 'keys-only', 'null'])
      expect(await store.verifyPassword('keys-only', guess)).toBeNull()
    await store.updateAccount(a.id, { password: 'now-set-1' })
    expect((await store.verifyPassword('keys-only', 'now-set-1'))?.id).toBe(a.id)
    await store.updateAccount(a.id, { password: null })
    expect(await store.verifyPassword('keys-only', 'now-set-1')).toBeNull()
  })

  it('sets and clears the active node', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const b = await store.createAccount({ name: 'b', password: 'pw' })
    const n = await store.createNode({ accountId: a.id, name: 'n1', baseUrl: 'https://x.test' })
    const err = await store.updateAccount(b.id, { activeNodeId: n.id }).catch((e) => e)
    expect(isStoreError(err, 'invalid')).toBe(true)
    expect((await store.updateAccount(a.id, { activeNodeId: n.id }))?.activeNodeId).toBe(n.id)
    await store.deleteNode(n.id)
    expect((await store.getAccount(a.id))?.activeNodeId).toBeNull()
  })

  it('cascades a delete to keys, nodes and sessions', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'gone', password: 'pw' })
    const { secret } = await store.createProxyKey({ accountId: a.id })
    const n = await store.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://x.test' })
    await store.compareAndSetNodeState(n.id, 0, healthy())
    const s = await store.createSession(a.id, 60_000)
    await store.deleteAccount(a.id)
    expect(store.resolveProxyKey(secret)).toBeNull()
    expect(await store.listProxyKeys(a.id)).toEqual([])
    expect(await store.getNode(n.id)).toBeNull()
    expect(await store.getNodeStates()).toEqual([])
    expect(await store.getSession(s.id)).toBeNull()
  })
})
