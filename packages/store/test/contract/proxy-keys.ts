import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import { isProxyKeyInUse } from '../../src/rows/proxy-keys'
import { contractPart } from '../support/harness'

/** Proxy keys: issue, resolve, revoke, rotate. */
export const proxyKeyContract = contractPart('proxy keys', (stores) => {
  it('issues, resolves, revokes and rotates', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'k', password: 'pw' })
    const { key, secret } = await store.createProxyKey({ accountId: a.id, name: 'laptop' })
    expect(secret.length).toBeGreaterThanOrEqual(32)
    expect(key).toMatchObject({ accountId: a.id, name: 'laptop', revokedAt: null })
    expect(key.prefix).toBe(secret.slice(0, 8))
    expect(key).toMatchObject({ limits: {}, firstUsedAt: null })
    expect(store.resolveProxyKey(secret)).toEqual({
      accountId: a.id,
      keyId: key.id,
      keyLimits: {},
      accountLimits: {},
      firstUsedAt: null,
    })
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
    const store = await stores.open()
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
    const store = await stores.open()
    const a = await store.createAccount({ name: 'k', password: 'pw' })
    const { secret } = await store.createProxyKey({ accountId: a.id })
    await store.updateAccount(a.id, { disabled: true })
    expect(store.resolveProxyKey(secret)).toBeNull()
    await store.updateAccount(a.id, { disabled: false })
    expect(store.resolveProxyKey(secret)?.accountId).toBe(a.id)
  })

  it('creates an account with its first key in one step, or nothing', async () => {
    const store = await stores.open()
    const before = await store.changeVersion()
    const made = await store.createAccountWithKey(
      { name: 'tenant', password: null },
      { name: 'default', key: 'sk-chosen-tenant-key' },
    )
    expect(made.secret).toBe('sk-chosen-tenant-key')
    expect(made.account).toEqual(await store.getAccount(made.account.id))
    expect(made.key).toMatchObject({ accountId: made.account.id, name: 'default' })
    expect(store.resolveProxyKey(made.secret)).toEqual({
      accountId: made.account.id,
      keyId: made.key.id,
      keyLimits: {},
      accountLimits: {},
      firstUsedAt: null,
    })
    expect(await store.changeVersion()).toBeGreaterThan(before)
    const taken = await store
      .createAccountWithKey({ name: 'other', password: null }, { key: made.secret })
      .catch((e) => e)
    expect(isProxyKeyInUse(taken)).toBe(true)
    const clash = await store
      .createAccountWithKey({ name: 'tenant', password: null }, { key: 'sk-another-key' })
      .catch((e) => e)
    expect(isStoreError(clash, 'conflict') && !isProxyKeyInUse(clash)).toBe(true)
    expect((await store.listAccounts()).map((a) => a.name)).toEqual(['tenant'])
    expect(await store.listProxyKeys()).toHaveLength(1)
  })
})
