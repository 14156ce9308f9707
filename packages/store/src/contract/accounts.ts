import { afterEach, describe, expect, it } from 'vitest'
import { isStoreError } from '../errors'
import type { Store } from '../interface'
import { type ContractHarness, ManualClock } from './harness'

/** Accounts, proxy keys and sessions. */
export function accountContract(h: ContractHarness): void {
  let store: Store | undefined
  afterEach(async () => {
    await store?.close()
    store = undefined
  })

  describe('accounts', () => {
    it('creates, reads, lists, updates and deletes', async () => {
      store = await h.open()
      const a = await store.createAccount({ name: 'alice', password: 'pw-alice-1' })
      expect(a).toMatchObject({
        name: 'alice',
        isAdmin: false,
        disabled: false,
        activeNodeId: null,
      })
      expect(a.settings).toEqual({
        retries: null,
        failLimit: null,
        healthIntervalSec: null,
        stickyTtlSec: null,
      })
      expect(a).not.toHaveProperty('passwordHash')
      expect(await store.getAccount(a.id)).toEqual(a)
      expect(await store.getAccountByName('alice')).toEqual(a)
      expect(await store.getAccount('nope')).toBeNull()
      const b = await store.createAccount({ name: 'bob', password: 'pw-bob-1', isAdmin: true })
      expect((await store.listAccounts()).map((x) => x.name)).toEqual(['alice', 'bob'])
      const u = await store.updateAccount(a.id, { name: 'alice2', settings: { retries: 5 } })
      expect(u).toMatchObject({ name: 'alice2', settings: { retries: 5, failLimit: null } })
      const u2 = await store.updateAccount(a.id, { settings: { failLimit: 2, retries: null } })
      expect(u2?.settings).toMatchObject({ retries: null, failLimit: 2 })
      expect(await store.updateAccount('nope', { name: 'x' })).toBeNull()
      expect(await store.deleteAccount(b.id)).toBe(true)
      expect(await store.deleteAccount(b.id)).toBe(false)
      expect(await store.getAccount(b.id)).toBeNull()
    })

    it('refuses duplicate names and bad settings', async () => {
      store = await h.open()
      const a = await store.createAccount({ name: 'dup', password: 'x1234567' })
      await store.createAccount({ name: 'other', password: 'x1234567' })
      const err = await store.createAccount({ name: 'dup', password: 'y' }).catch((e) => e)
      expect(isStoreError(err, 'conflict')).toBe(true)
      const err2 = await store.updateAccount(a.id, { name: 'other' }).catch((e) => e)
      expect(isStoreError(err2, 'conflict')).toBe(true)
      const err3 = await store
        .updateAccount(a.id, { settings: { healthIntervalSec: 0 } })
        .catch((e) => e)
      expect(isStoreError(err3, 'invalid')).toBe(true)
    })

    it('issue 13 item 8: names are unique regardless of case; lookups and logins match exactly', async () => {
      store = await h.open()
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

    it('verifies passwords and counts admins', async () => {
      store = await h.open()
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

    it('sets and clears the active node', async () => {
      store = await h.open()
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
      store = await h.open()
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

  describe('proxy keys', () => {
    it('issues, resolves, revokes and rotates', async () => {
      store = await h.open()
      const a = await store.createAccount({ name: 'k', password: 'pw' })
      const { key, secret } = await store.createProxyKey({ accountId: a.id, name: 'laptop' })
      expect(secret.length).toBeGreaterThanOrEqual(32)
      expect(key).toMatchObject({ accountId: a.id, name: 'laptop', revokedAt: null })
      expect(key.prefix).toBe(secret.slice(0, 8))
      expect(store.resolveProxyKey(secret)).toEqual({ accountId: a.id, keyId: key.id })
      expect(store.resolveProxyKey(secret + 'x')).toBeNull()
      expect(store.resolveProxyKey('')).toBeNull()
      const rotated = await store.rotateProxyKey(key.id)
      expect(rotated?.key.name).toBe('laptop')
      expect(store.resolveProxyKey(secret)).toBeNull()
      expect(store.resolveProxyKey(rotated?.secret ?? '')?.keyId).toBe(rotated?.key.id)
      const revoked = await store.revokeProxyKey(rotated?.key.id ?? '')
      expect(revoked?.revokedAt).toBeInstanceOf(Date)
      expect(store.resolveProxyKey(rotated?.secret ?? '')).toBeNull()
      expect((await store.listProxyKeys(a.id)).length).toBe(2)
      expect(await store.revokeProxyKey('nope')).toBeNull()
    })

    it('accepts a chosen key once, short prefix for short keys', async () => {
      store = await h.open()
      const a = await store.createAccount({ name: 'k', password: 'pw' })
      const { key } = await store.createProxyKey({ accountId: a.id, key: 'admin' })
      expect(key.prefix).toBe('ad')
      expect(store.resolveProxyKey('admin')?.accountId).toBe(a.id)
      const err = await store.createProxyKey({ accountId: a.id, key: 'admin' }).catch((e) => e)
      expect(isStoreError(err, 'conflict')).toBe(true)
      const err2 = await store.createProxyKey({ accountId: 'nope' }).catch((e) => e)
      expect(isStoreError(err2, 'not_found')).toBe(true)
    })

    it('does not resolve keys of a disabled account', async () => {
      store = await h.open()
      const a = await store.createAccount({ name: 'k', password: 'pw' })
      const { secret } = await store.createProxyKey({ accountId: a.id })
      await store.updateAccount(a.id, { disabled: true })
      expect(store.resolveProxyKey(secret)).toBeNull()
      await store.updateAccount(a.id, { disabled: false })
      expect(store.resolveProxyKey(secret)?.accountId).toBe(a.id)
    })
  })

  describe('sessions', () => {
    it('creates, expires, renews and deletes', async () => {
      const clock = new ManualClock()
      store = await h.open({ clock })
      const a = await store.createAccount({ name: 's', password: 'pw' })
      const s = await store.createSession(a.id, 60_000)
      expect(Buffer.from(s.id, 'base64url').length).toBe(32)
      expect(s.expiresAt.getTime() - s.createdAt.getTime()).toBe(60_000)
      expect(await store.getSession(s.id)).toEqual(s)
      clock.advance(30_000)
      const r = await store.renewSession(s.id, 60_000)
      expect(r?.expiresAt.getTime()).toBe(clock.now() + 60_000)
      clock.advance(59_000)
      expect(await store.getSession(s.id)).not.toBeNull()
      clock.advance(2_000)
      expect(await store.getSession(s.id)).toBeNull()
      expect(await store.renewSession(s.id, 1000)).toBeNull()
      const s2 = await store.createSession(a.id, 60_000)
      expect(await store.deleteSession(s2.id)).toBe(true)
      expect(await store.getSession(s2.id)).toBeNull()
      await store.createSession(a.id, 60_000)
      await store.createSession(a.id, 60_000)
      // Counts every row removed, the expired first session included.
      expect(await store.deleteSessionsForAccount(a.id)).toBe(3)
    })

    it('drops sessions on password change and disable', async () => {
      store = await h.open()
      const a = await store.createAccount({ name: 's', password: 'pw' })
      const s1 = await store.createSession(a.id, 60_000)
      await store.updateAccount(a.id, { password: 'pw2' })
      expect(await store.getSession(s1.id)).toBeNull()
      const s2 = await store.createSession(a.id, 60_000)
      await store.updateAccount(a.id, { settings: { retries: 1 } })
      expect(await store.getSession(s2.id)).not.toBeNull()
      await store.updateAccount(a.id, { disabled: true })
      expect(await store.getSession(s2.id)).toBeNull()
    })
  })
}

/** A healthy node state. */
export function healthy() {
  return {
    status: 'healthy' as const,
    coolingUntil: null,
    failReason: null,
    consecutiveFailures: 0,
    lastFailureAt: null,
    lastSuccessAt: null,
    lastProbeAt: null,
  }
}
