import { expect, it } from 'vitest'
import { contractPart, ManualClock } from '../support/harness'

/** Monitor share links. */
export const shareLinkContract = contractPart('share links', (stores) => {
  it('creates, resolves, expires and revokes share links', async () => {
    const clock = new ManualClock()
    const store = await stores.open({ clock })
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const { link, token } = await store.createShareLink({ accountId: a.id, createdBy: a.id })
    expect(token.length).toBeGreaterThanOrEqual(32)
    expect(link.prefix).toBe(token.slice(0, 8))
    expect(await store.getShareLink(token)).toEqual(link)
    expect(await store.getShareLink('nope')).toBeNull()
    const short = await store.createShareLink({
      accountId: a.id,
      expiresAt: new Date(clock.now() + 1000),
    })
    expect((await store.getShareLink(short.token))?.id).toBe(short.link.id)
    clock.advance(1000)
    expect(await store.getShareLink(short.token)).toBeNull()
    expect((await store.listShareLinks({ accountId: a.id })).map((l) => l.id)).toEqual([
      short.link.id,
      link.id,
    ])
    expect(await store.deleteShareLink(link.id)).toBe(true)
    expect(await store.deleteShareLink(link.id)).toBe(false)
    expect(await store.getShareLink(token)).toBeNull()
    expect((await store.listShareLinks()).length).toBe(1)
    expect((await store.listShareLinks({ includeRevoked: true }))[1]?.revokedAt).toBeInstanceOf(
      Date,
    )
  })
})
