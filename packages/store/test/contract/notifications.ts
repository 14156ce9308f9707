import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import { contractPart } from '../support/harness'

/** Notification channels and subscriptions. */
export const notificationContract = contractPart('notifications', (stores) => {
  it('keeps notification channels and subscriptions', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const config = { webhook_url: 'https://hooks.test/abc?key=1' }
    const c = await store.createNotificationChannel({
      accountId: a.id,
      name: 'wc',
      kind: 'wechat_work',
      config,
    })
    expect(c).toMatchObject({
      accountId: a.id,
      name: 'wc',
      kind: 'wechat_work',
      config,
      enabled: true,
    })
    expect(await store.getNotificationChannel(c.id)).toEqual(c)
    const u = await store.updateNotificationChannel(c.id, {
      enabled: false,
      config: { webhook_url: 'https://x.test' },
    })
    expect(u).toMatchObject({ enabled: false, config: { webhook_url: 'https://x.test' } })
    expect((await store.listNotificationChannels(a.id)).length).toBe(1)
    expect(await store.listNotificationChannels('other')).toEqual([])
    const s1 = await store.upsertNotificationSubscription({
      channelId: c.id,
      eventType: 'node.failed',
    })
    const s2 = await store.upsertNotificationSubscription({
      channelId: c.id,
      eventType: 'node.failed',
      enabled: false,
    })
    expect(s2.id).toBe(s1.id)
    expect(s2.enabled).toBe(false)
    await store.upsertNotificationSubscription({ channelId: c.id, eventType: 'node.recovered' })
    expect((await store.listNotificationSubscriptions({ channelId: c.id })).length).toBe(2)
    expect(
      (await store.listNotificationSubscriptions({ eventType: 'node.recovered' })).length,
    ).toBe(1)
    expect(await store.deleteNotificationSubscription(s1.id)).toBe(true)
    expect(await store.deleteNotificationChannel(c.id)).toBe(true)
    expect(await store.listNotificationSubscriptions({ accountId: a.id })).toEqual([])
    const err = await store
      .upsertNotificationSubscription({ channelId: c.id, eventType: 'x' })
      .catch((e) => e)
    expect(isStoreError(err, 'not_found')).toBe(true)
  })
})
