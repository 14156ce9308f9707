import type { ServerResponse } from 'node:http'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningQcc } from '../src/index'
import { createTenant, eventually, loggedIn, messages, type AdminClient } from './admin-harness'
import { answer, startReceiver, type FakeReceiver } from './notify-fakes'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

let rx: FakeReceiver
let primary: FakeUpstream
let backup: FakeUpstream
let qcc: RunningQcc
let admin: AdminClient

const P = '/admin/api/notifications'
// A receiver that answers only after 3 s: deliveries are slow, requests must not be.
const slow = (res: ServerResponse) => setTimeout(() => answer(200)(res), 3000).unref()

beforeAll(async () => {
  rx = await startReceiver()
  primary = await startFakeUpstream({ name: 'primary' })
  backup = await startFakeUpstream({ name: 'backup' })
  qcc = await startTestQcc({
    UPSTREAM_BASE_URL: primary.url,
    UPSTREAM_API_KEY: 'sk-primary',
    UPSTREAM_NAME: 'primary',
    PROXY_FAIL_THRESHOLD: '1',
  })
  admin = await loggedIn(qcc, 'admin', 'admin123')
})
afterAll(async () => {
  await qcc?.close()
  await primary?.close()
  await backup?.close()
  await rx?.close()
})

describe('notification channels API', () => {
  it('creates a channel of each kind and test-sends to it', async () => {
    for (const kind of ['webhook', 'wechat_work', 'dingtalk', 'slack']) {
      const created = await admin.post(`${P}/channels`, {
        name: `ops-${kind}`,
        kind,
        url: `${rx.url}/${kind}?key=secret-in-query`,
      })
      expect(created.status).toBe(201)
      expect(created.json).toMatchObject({ kind, enabled: true, url: `${rx.url}/…` })
      expect(created.json.events).toContain('node.failed')
      expect(created.text).not.toContain('secret-in-query')
      const sent = await admin.post(`${P}/test`, { id: created.json.id })
      expect(sent.status).toBe(200)
      expect(sent.json).toMatchObject({ ok: true, attempts: 1 })
      expect(rx.on(`/${kind}`)).toHaveLength(1)
      await admin.del(`${P}/channels?id=${created.json.id as string}`)
    }
    const overview = await admin.get(P)
    expect(overview.json).toMatchObject({ channels: [], channel_kinds: expect.any(Array) })
    expect(overview.json.event_types).toContain('node.switched')
    const log = await admin.get(`${P}/deliveries`)
    expect(log.json.deliveries.filter((d: { ok: boolean }) => d.ok)).toHaveLength(4)
  })

  it('keeps tenants to their own channels and to public receivers', async () => {
    const { client: team } = await createTenant(admin, 'notify-team')
    const { client: other } = await createTenant(admin, 'notify-other')
    const local = await team.post(`${P}/channels`, { name: 'x', kind: 'slack', url: rx.url })
    expect(local.status).toBe(400)
    expect(local.json.error).toContain('loopback')
    const metadata = await admin.post(`${P}/channels`, {
      name: 'meta',
      kind: 'webhook',
      url: 'http://169.254.169.254/latest',
    })
    expect(metadata.status).toBe(400)

    const mine = await team.post(`${P}/channels`, {
      name: 'team hook',
      kind: 'webhook',
      url: 'https://hooks.example.invalid/team',
      events: ['node.failed'],
    })
    expect(mine.status).toBe(201)
    const id = mine.json.id as string
    expect((await team.get(`${P}/channels`)).json.channels).toHaveLength(1)
    expect((await other.get(`${P}/channels`)).json.channels).toHaveLength(0)
    expect((await other.put(`${P}/channels?id=${id}`, { name: 'mine now' })).status).toBe(404)
    expect((await other.del(`${P}/channels?id=${id}`)).status).toBe(404)
    expect((await other.post(`${P}/test`, { id })).status).toBe(404)
    expect((await other.get(`${P}/subscriptions?channel_id=${id}`)).status).toBe(404)
    const sub = { channel_id: id, event_type: 'node.recovered' }
    expect((await other.post(`${P}/subscriptions`, sub)).status).toBe(404)

    const put = await team.put(`${P}/channels?id=${id}`, { events: ['node.recovered', '*'] })
    expect(put.status).toBe(200)
    expect([...put.json.events].sort()).toEqual(['*', 'node.recovered'])
    const all = await admin.get(`${P}/channels?account_id=*`)
    expect(all.json.channels.some((c: { id: string }) => c.id === id)).toBe(true)
    expect((await team.del(`${P}/channels?id=${id}`)).status).toBe(200)
  })

  it('sends on a real node failure without slowing the requests down', async () => {
    const account = await qcc.store.getAccountByName('default')
    if (!account) throw new Error('no default account')
    await qcc.store.createNode({
      accountId: account.id,
      name: 'backup',
      baseUrl: backup.url,
      apiKey: 'sk-backup',
      weight: 2,
      allowPrivate: true,
    })
    await qcc.refresh()
    const ch = await admin.post(`${P}/channels?account_id=${account.id}`, {
      name: 'slow hook',
      kind: 'webhook',
      url: `${rx.url}/slow`,
      events: ['*'],
    })
    expect(ch.status).toBe(201)
    rx.script.push(slow, slow, slow, slow)

    const timed = async () => {
      const t = performance.now()
      const res = await messages(qcc.url, 'default-proxy-key', MESSAGE_BODY)
      await res.text()
      return { ms: performance.now() - t, node: res.headers.get('x-qcc-node') }
    }
    primary.enqueue({ kind: 'status', status: 500 })
    const failover = await timed()
    expect(failover.node).toBe('backup')
    // The notification is on its way and the receiver sits on it for 3 s...
    await eventually(async () => expect(rx.on('/slow').length).toBeGreaterThan(0), 2000)
    const started = performance.now()
    const during = []
    for (let i = 0; i < 5; i++) during.push(await timed())
    // ...while requests keep their usual speed.
    expect(performance.now() - started).toBeLessThan(2500)
    for (const r of during) expect(r.ms).toBeLessThan(1000)
    const events = rx.on('/slow').map((r) => r.body.event as string)
    expect(events).toContain('node.failed')
  })
})
