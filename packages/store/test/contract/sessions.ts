import { expect, it } from 'vitest'
import { contractPart, ManualClock } from '../support/harness'

/** Login sessions: expiry, renewal, and what drops them. */
export const sessionContract = contractPart('sessions', (stores) => {
  it('creates, expires, renews and deletes', async () => {
    const clock = new ManualClock()
    const store = await stores.open({ clock })
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
    const store = await stores.open()
    const a = await store.createAccount({ name: 's', password: 'pw' })
    const s1 = await store.createSession(a.id, 60_000)
    await store.updateAccount(a.id, { password: 'pw2' })
    expect(await store.getSession(s1.id)).toBeNull()
    const s2 = await store.createSession(a.id, 60_000)
    await store.updateAccount(a.id, { settings: { retryMax: 1 } })
    expect(await store.getSession(s2.id)).not.toBeNull()
    await store.updateAccount(a.id, { disabled: true })
    expect(await store.getSession(s2.id)).toBeNull()
  })

  it('reads a session with its account in one call', async () => {
    const clock = new ManualClock()
    const store = await stores.open({ clock })
    const a = await store.createAccount({ name: 's', password: 'pw' })
    await store.updateAccount(a.id, { settings: { retryMax: 3 }, limits: { rpm: 7 } })
    const s = await store.createSession(a.id, 60_000)
    expect(await store.getSessionWithAccount(s.id)).toEqual({
      session: await store.getSession(s.id),
      account: await store.getAccount(a.id),
    })
    expect(await store.getSessionWithAccount('f'.repeat(43))).toBeNull()
    clock.advance(61_000)
    expect(await store.getSessionWithAccount(s.id)).toBeNull()
  })
})
