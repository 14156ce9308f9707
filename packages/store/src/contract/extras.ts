import { afterEach, describe, expect, it } from 'vitest'
import { isStoreError } from '../errors'
import type { Store } from '../interface'
import { type ContractHarness, ManualClock } from './harness'

const PRICE = {
  model: 'claude-sonnet-4-5',
  inputPerMTok: 3,
  outputPerMTok: 15,
  cacheWrite5mPerMTok: 3.75,
  cacheWrite1hPerMTok: 6,
  cacheReadPerMTok: 0.3,
}

/** Health history, pricing, share links, notifications, audit log and tunnel config. */
export function extrasContract(h: ContractHarness): void {
  let store: Store | undefined
  afterEach(async () => {
    await store?.close()
    store = undefined
  })

  describe('extras', () => {
    it('records and lists health checks newest first', async () => {
      store = await h.open()
      const a = await store.createAccount({ name: 'a', password: 'pw' })
      const n = await store.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' })
      const base = { accountId: a.id, nodeId: n.id, latencyMs: 12, status: 200, method: 'api' }
      for (let i = 0; i < 5; i++) {
        await store.recordHealthCheck({
          ...base,
          at: new Date(Date.UTC(2026, 0, 1, 0, i)),
          ok: i !== 3,
          error: i === 3 ? 'status 500: boom' : null,
          source: i === 4 ? 'recovery' : 'scheduled',
        })
      }
      const all = await store.listHealthChecks({ nodeId: n.id })
      expect(all.map((c) => c.at.getUTCMinutes())).toEqual([4, 3, 2, 1, 0])
      expect(all[1]).toMatchObject({
        ok: false,
        error: 'status 500: boom',
        status: 200,
        latencyMs: 12,
      })
      expect((await store.listHealthChecks({ accountId: a.id, limit: 2, offset: 1 })).length).toBe(
        2,
      )
      expect((await store.listHealthChecks({ source: 'recovery' })).length).toBe(1)
      const ranged = await store.listHealthChecks({
        from: new Date(Date.UTC(2026, 0, 1, 0, 1)),
        to: new Date(Date.UTC(2026, 0, 1, 0, 3)),
      })
      expect(ranged.length).toBe(2)
    })

    it('seeds, upserts, lists and deletes prices', async () => {
      store = await h.open({
        seedPrices: [PRICE, { ...PRICE, model: 'claude-haiku-4-5', inputPerMTok: 1 }],
      })
      expect((await store.listPrices()).map((p) => p.model)).toEqual([
        'claude-haiku-4-5',
        'claude-sonnet-4-5',
      ])
      const p = await store.upsertPrice({ ...PRICE, inputPerMTok: 2.5 })
      expect(p).toMatchObject({ ...PRICE, inputPerMTok: 2.5 })
      expect((await store.listPrices()).find((x) => x.model === PRICE.model)).toMatchObject({
        inputPerMTok: 2.5,
        cacheReadPerMTok: 0.3,
      })
      expect(await store.deletePrice('claude-haiku-4-5')).toBe(true)
      expect(await store.deletePrice('claude-haiku-4-5')).toBe(false)
      const err = await store.upsertPrice({ ...PRICE, outputPerMTok: -1 }).catch((e) => e)
      expect(isStoreError(err, 'invalid')).toBe(true)
    })

    it('creates, resolves, expires and revokes share links', async () => {
      const clock = new ManualClock()
      store = await h.open({ clock })
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

    it('keeps notification channels and subscriptions', async () => {
      store = await h.open()
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

    it('appends and lists audit entries', async () => {
      store = await h.open()
      const base = { actorId: 'u1', accountId: 'acc1', targetType: 'node', ip: '10.0.0.1' }
      await store.appendAudit({
        ...base,
        action: 'node.create',
        targetId: 'n1',
        at: new Date(1000),
        detail: { name: 'n1' },
      })
      await store.appendAudit({
        ...base,
        action: 'node.delete',
        targetId: 'n1',
        at: new Date(2000),
      })
      await store.appendAudit({ action: 'login', at: new Date(3000) })
      const all = await store.listAudit()
      expect(all.map((x) => x.action)).toEqual(['login', 'node.delete', 'node.create'])
      expect(all[2]).toMatchObject({ ...base, targetId: 'n1', detail: { name: 'n1' } })
      expect(all[0]).toMatchObject({ actorId: null, accountId: null, detail: null })
      expect((await store.listAudit({ accountId: 'acc1' })).length).toBe(2)
      expect((await store.listAudit({ action: 'login' })).length).toBe(1)
      expect((await store.listAudit({ from: new Date(1500), limit: 1 }))[0]?.action).toBe('login')
    })

    it('stores the tunnel config', async () => {
      store = await h.open()
      expect(await store.getTunnelConfig()).toBeNull()
      const t = await store.setTunnelConfig({ zone: 'example.com', apiToken: 'cf-token-1' })
      expect(t).toMatchObject({
        enabled: false,
        zone: 'example.com',
        subdomain: null,
        apiToken: 'cf-token-1',
      })
      const t2 = await store.setTunnelConfig({ enabled: true, subdomain: 'qcc' })
      expect(t2).toMatchObject({
        enabled: true,
        zone: 'example.com',
        subdomain: 'qcc',
        apiToken: 'cf-token-1',
      })
      expect(await store.getTunnelConfig()).toEqual(t2)
      expect((await store.setTunnelConfig({ apiToken: null })).apiToken).toBeNull()
    })
  })
}
