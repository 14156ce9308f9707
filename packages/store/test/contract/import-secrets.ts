import { expect, it } from 'vitest'
import { hashPassword, IMPORT_SCRYPT, OWASP_SCRYPT } from '../../src/crypto/password'
import { isStoreError } from '../../src/errors'
import type { Store } from '../../src/interface'
import { contractPart, type ContractHarness, ManualClock, TEST_SCRYPT } from '../support/harness'

const DAY = 86_400_000

/** The scrypt N of every password hash the store holds (from the harness's dump). */
async function storedCosts(h: ContractHarness, store: Store): Promise<number[]> {
  const dump = await h.dump(store)
  return [...dump.matchAll(/scrypt\$(\d+)\$8\$1\$/g)].map((m) => Number(m[1]))
}

/** Imported secrets (docs/contract.md §14.1): password hashes and share-link tokens. */
export const importSecretsContract = contractPart('import: passwords and shares', (stores, h) => {
  it('logs in with an imported hash and re-hashes it at the store cost, once', async () => {
    const store = await stores.open({ passwordHash: OWASP_SCRYPT })
    const passwordHash = await hashPassword('old-secret', IMPORT_SCRYPT)
    const a = await store.createAccount({ name: 'imported', passwordHash })
    expect(await storedCosts(h, store)).toEqual([2 ** 14])
    expect(await store.verifyPassword('imported', 'wrong')).toBeNull()
    expect(await storedCosts(h, store)).toEqual([2 ** 14])
    expect((await store.verifyPassword('imported', 'old-secret'))?.id).toBe(a.id)
    expect(await storedCosts(h, store)).toEqual([2 ** 17])
    const upgraded = await h.dump(store)
    expect((await store.verifyPassword('imported', 'old-secret'))?.id).toBe(a.id)
    expect(await h.dump(store)).toBe(upgraded)
  })

  it('keeps a hash as strong as the store cost, and sessions across the re-hash', async () => {
    const store = await stores.open()
    const a = await store.createAccount({
      name: 'a',
      passwordHash: await hashPassword('pw', IMPORT_SCRYPT),
    })
    const session = await store.createSession(a.id, 60_000)
    // The harness's cost (TEST_SCRYPT, 2^10) is below the import's: nothing to upgrade.
    expect(TEST_SCRYPT.N).toBeLessThan(IMPORT_SCRYPT.N)
    expect((await store.verifyPassword('a', 'pw'))?.id).toBe(a.id)
    expect(await storedCosts(h, store)).toEqual([2 ** 14])
    expect(await store.getSession(session.id)).not.toBeNull()
  })

  it('sets a hash by update and refuses malformed or doubled secrets', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'first' })
    await store.updateAccount(a.id, { passwordHash: await hashPassword('second', TEST_SCRYPT) })
    expect(await store.verifyPassword('a', 'first')).toBeNull()
    expect((await store.verifyPassword('a', 'second'))?.id).toBe(a.id)
    const good = await hashPassword('x', TEST_SCRYPT)
    const bad = [
      'plain',
      'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA',
      good.replace('$8$', '$0$'),
      good.slice(0, -8),
      `${good}$extra`,
    ]
    for (const passwordHash of bad) {
      const create = await store.createAccount({ name: 'b', passwordHash }).catch((e) => e)
      expect(isStoreError(create, 'invalid'), passwordHash).toBe(true)
      const update = await store.updateAccount(a.id, { passwordHash }).catch((e) => e)
      expect(isStoreError(update, 'invalid'), passwordHash).toBe(true)
    }
    const both = await store
      .updateAccount(a.id, { password: 'third', passwordHash: good })
      .catch((e) => e)
    expect(isStoreError(both, 'invalid')).toBe(true)
    const neither = await store
      .createAccount({ name: 'c' } as Parameters<Store['createAccount']>[0])
      .catch((e) => e)
    expect(isStoreError(neither, 'invalid')).toBe(true)
    expect((await store.listAccounts()).map((x) => x.name)).toEqual(['a'])
    expect((await store.verifyPassword('a', 'second'))?.id).toBe(a.id)
  })

  it('opens an imported share token; imported revoked and expired ones do not', async () => {
    const clock = new ManualClock()
    const store = await stores.open({ clock })
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const createdAt = new Date(clock.now() - 30 * DAY)
    const live = await store.createShareLink({
      accountId: a.id,
      token: 'qccplus-share-token-live',
      createdAt,
      expiresAt: new Date(clock.now() + DAY),
    })
    expect(live.token).toBe('qccplus-share-token-live')
    expect(live.link).toMatchObject({ prefix: 'qccplus-', createdAt, revokedAt: null })
    expect(await store.getShareLink('qccplus-share-token-live')).toEqual(live.link)

    const revokedAt = new Date(clock.now() - DAY)
    const revoked = await store.createShareLink({
      accountId: a.id,
      token: 'qccplus-share-token-revoked',
      createdAt: new Date(clock.now() - 20 * DAY),
      revokedAt,
    })
    expect(await store.getShareLink('qccplus-share-token-revoked')).toBeNull()
    expect(await store.deleteShareLink(revoked.link.id)).toBe(false)
    const expired = await store.createShareLink({
      accountId: a.id,
      token: 'qccplus-share-token-expired',
      createdAt: new Date(clock.now() - 10 * DAY),
      expiresAt: new Date(clock.now() - DAY),
    })
    expect(await store.getShareLink('qccplus-share-token-expired')).toBeNull()

    // Newest first by creation time, not by import order.
    const fresh = await store.createShareLink({ accountId: a.id })
    expect((await store.listShareLinks({ includeRevoked: true })).map((l) => l.id)).toEqual([
      fresh.link.id,
      expired.link.id,
      revoked.link.id,
      live.link.id,
    ])
    expect((await store.listShareLinks()).map((l) => l.id)).not.toContain(revoked.link.id)
    expect(
      (await store.listShareLinks({ includeRevoked: true })).find((l) => l.id === revoked.link.id),
    ).toMatchObject({ revokedAt })
    const dump = await h.dump(store)
    expect(dump).not.toContain('qccplus-share-token-live')
  })

  it('refuses a short, taken or badly dated share token', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    await store.createShareLink({ accountId: a.id, token: 'sixteen-chars-ok' })
    const taken = await store
      .createShareLink({ accountId: a.id, token: 'sixteen-chars-ok' })
      .catch((e) => e)
    expect(isStoreError(taken, 'conflict')).toBe(true)
    const short = await store
      .createShareLink({ accountId: a.id, token: 'fifteen-chars-x' })
      .catch((e) => e)
    expect(isStoreError(short, 'invalid')).toBe(true)
    const badDate = await store
      .createShareLink({ accountId: a.id, token: 'another-token-16', createdAt: new Date(NaN) })
      .catch((e) => e)
    expect(isStoreError(badDate, 'invalid')).toBe(true)
    expect((await store.listShareLinks()).length).toBe(1)
  })
})
