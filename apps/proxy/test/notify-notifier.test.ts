import { createHmac } from 'node:crypto'
import { createStore, type Account, type NodeRecord, type Store } from '@qcc/store'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EventBus } from '../src/events/bus'
import type { NotifyEventType } from '../src/notify/events'
import { startNotifier, type Notifier } from '../src/notify/notifier'
import { createLogger } from '../src/observability/logger'
import { upstreamAddressPolicy } from '../src/outbound/address-check'
import { createOutboundClient, type OutboundClient } from '../src/outbound/outbound-client'
import { answer, startReceiver, type FakeReceiver } from './notify-fakes'
import { waitFor } from './tunnel-fakes'

let rx: FakeReceiver
let store: Store
let bus: EventBus
let notifier: Notifier
let outbound: OutboundClient
let tenant: Account
let nodeA: NodeRecord
let nodeB: NodeRecord

const KINDS = ['webhook', 'wechat_work', 'dingtalk', 'slack'] as const
const at = () => new Date().toISOString()

function nodeState(node: NodeRecord, from: string, to: string, reason = 'test') {
  bus.publish({
    type: 'node.state',
    accountId: node.accountId,
    data: { node_id: node.id, account_id: node.accountId, from, to, reason, at: at() },
  })
}
function served(node: NodeRecord) {
  bus.publish({
    type: 'request',
    accountId: node.accountId,
    data: {
      request_id: 'r',
      account_id: node.accountId,
      key_id: 'k',
      node_id: node.id,
      attempts: 1,
      model: null,
      status: 200,
      duration_ms: 5,
      at: at(),
    },
  })
}
async function channel(kind: string, accountId: string, events: string[] = ['*'], extra = {}) {
  const ch = await store.createNotificationChannel({
    accountId,
    name: `${kind}-${accountId.slice(0, 6)}`,
    kind,
    config: { url: `${rx.url}/${kind}`, allowPrivate: true, ...extra },
  })
  for (const e of events)
    await store.upsertNotificationSubscription({ channelId: ch.id, eventType: e })
  return ch
}
const deliveries = async () =>
  (await store.listAudit({ action: 'notification.delivery' })).map((r) => r.detail ?? {})

function start(options: { dedupMs?: number; retryDelaysMs?: number[]; now?: () => number } = {}) {
  notifier = startNotifier({
    store,
    bus,
    logger: createLogger('silent'),
    dedupMs: options.dedupMs ?? 60_000,
    retryDelaysMs: options.retryDelaysMs ?? [20, 20],
    timeoutMs: 2000,
    outbound,
    now: options.now,
  })
}

beforeAll(async () => {
  rx = await startReceiver()
  outbound = createOutboundClient({ addressPolicy: upstreamAddressPolicy })
})
afterAll(async () => {
  await outbound?.close()
  await rx?.close()
})
beforeEach(async () => {
  rx.received.length = 0
  rx.script.length = 0
  store = await createStore({ kind: 'memory', secretKey: Buffer.alloc(32, 3) })
  bus = new EventBus()
  tenant = await store.createAccount({ name: 'team', password: 'team-password' })
  nodeA = await store.createNode({ accountId: tenant.id, name: 'alpha', baseUrl: 'https://a.test' })
  nodeB = await store.createNode({ accountId: tenant.id, name: 'beta', baseUrl: 'https://b.test' })
})
afterEach(async () => {
  await notifier?.stop()
  await store.close()
})

describe('notifications', () => {
  it('sends one message per transition to each channel type, in its own format', async () => {
    start()
    await channel('webhook', tenant.id)
    await channel('wechat_work', tenant.id)
    await channel('dingtalk', tenant.id, ['*'], { secret: 'ding-secret' })
    await channel('slack', tenant.id)
    served(nodeA)
    nodeState(nodeA, 'healthy', 'failed', 'server_error: upstream 500')
    served(nodeB) // traffic moved away from the failed node: a switch
    served(nodeB)
    nodeState(nodeA, 'failed', 'healthy', 'probe passed')
    nodeState(nodeB, 'healthy', 'disabled', 'disabled by admin')
    await notifier.idle()

    const expected: NotifyEventType[] = [
      'node.failed',
      'node.switched',
      'node.recovered',
      'node.disabled',
    ]
    const hooks = rx.on('/webhook').map((r) => r.body.event as string)
    expect(hooks.sort()).toEqual([...expected].sort())
    for (const kind of KINDS) expect(rx.on(`/${kind}`)).toHaveLength(expected.length)

    const failed = rx.on('/webhook').find((r) => r.body.event === 'node.failed')?.body
    expect(failed).toMatchObject({ title: 'Node failed: alpha', account_id: tenant.id })
    expect(failed.text).toContain('upstream 500')
    const switched = rx.on('/slack').find((r) => String(r.body.text).includes('switched'))
    expect(switched?.body.text).toContain('alpha → beta')
    const wecom = rx.on('/wechat_work')[0]?.body
    expect(wecom.msgtype).toBe('markdown')
    expect(typeof wecom.markdown.content).toBe('string')
    const ding = rx.on('/dingtalk')[0]
    expect(ding?.body.msgtype).toBe('markdown')
    const ts = ding?.query.get('timestamp') ?? ''
    const sign = createHmac('sha256', 'ding-secret').update(`${ts}\nding-secret`).digest('base64')
    expect(ding?.query.get('sign')).toBe(sign)

    const log = await deliveries()
    expect(log).toHaveLength(expected.length * KINDS.length)
    expect(log.every((d) => d.ok === true && d.attempts === 1)).toBe(true)
  })

  it('de-duplicates the same event for the same node within the window', async () => {
    let now = Date.now()
    start({ dedupMs: 300, now: () => now })
    await channel('webhook', tenant.id)
    nodeState(nodeA, 'healthy', 'failed')
    nodeState(nodeA, 'cooling', 'failed')
    nodeState(nodeB, 'healthy', 'failed') // another node: its own message
    await notifier.idle()
    expect(rx.on('/webhook')).toHaveLength(2)
    now += 299
    nodeState(nodeA, 'healthy', 'failed')
    await notifier.idle()
    expect(rx.on('/webhook')).toHaveLength(2) // still inside the window
    now += 1
    nodeState(nodeA, 'healthy', 'failed')
    await notifier.idle()
    expect(rx.on('/webhook')).toHaveLength(3)
  })

  it('retries a failing receiver and records the outcome', async () => {
    start()
    const hook = await channel('webhook', tenant.id)
    rx.script.push(answer(500), answer(503))
    nodeState(nodeA, 'healthy', 'failed')
    await notifier.idle()
    expect(rx.on('/webhook')).toHaveLength(3)
    expect(await deliveries()).toEqual([
      expect.objectContaining({ event_type: 'node.failed', ok: true, attempts: 3, status: 200 }),
    ])

    // WeCom answers 200 with an errcode when it refuses; three attempts, then a failed record.
    await store.deleteNotificationChannel(hook.id)
    await channel('wechat_work', tenant.id)
    for (let i = 0; i < 3; i++) rx.script.push(answer(200, { errcode: 93000, errmsg: 'invalid' }))
    nodeState(nodeB, 'healthy', 'failed')
    await notifier.idle()
    const failed = (await deliveries()).find((d) => d.ok === false)
    expect(failed).toMatchObject({ attempts: 3, status: 200 })
    // Only the number: a receiver's text is never recorded (docs/contract.md §9).
    expect(failed?.error).toBe('http_200 errcode_93000')
  })

  it('follows subscriptions and accounts; tunnel events go to admins', async () => {
    start()
    const other = await store.createAccount({ name: 'other', password: 'other-password' })
    const admin = await store.createAccount({ name: 'root', password: 'root-pass', isAdmin: true })
    await channel('webhook', tenant.id, ['node.recovered'])
    await channel('slack', other.id, ['*'])
    await channel('dingtalk', admin.id, ['tunnel.error'])
    nodeState(nodeA, 'healthy', 'failed')
    nodeState(nodeA, 'failed', 'healthy')
    bus.publish({
      type: 'tunnel.state',
      accountId: null,
      data: { status: 'error', public_url: null, error: 'boom', restarts: 0, at: at() },
    })
    await notifier.idle()
    expect(rx.on('/webhook').map((r) => r.body.event)).toEqual(['node.recovered'])
    expect(rx.on('/slack')).toHaveLength(0)
    expect(rx.on('/dingtalk')).toHaveLength(1)
    expect(rx.on('/dingtalk')[0]?.body.markdown.text).toContain('boom')
  })

  it("sends nothing for another replica's events (its origin replica notifies)", async () => {
    start()
    await channel('webhook', tenant.id)
    const data = { node_id: nodeA.id, account_id: tenant.id, reason: 'test', at: at() }
    bus.publish({
      type: 'node.state',
      accountId: tenant.id,
      data: { ...data, from: 'healthy', to: 'failed' },
      remote: true,
    })
    await notifier.idle()
    expect(rx.received).toHaveLength(0)
    expect(await deliveries()).toHaveLength(0)
    // The same transition from this replica is sent: the skip is about the origin only.
    nodeState(nodeA, 'healthy', 'failed')
    await notifier.idle()
    expect(rx.on('/webhook').map((r) => r.body.event)).toEqual(['node.failed'])
  })

  it('refuses private receivers for channels saved without the private permission', async () => {
    start({ retryDelaysMs: [] })
    await channel('webhook', tenant.id, ['*'], { allowPrivate: false })
    nodeState(nodeA, 'healthy', 'failed')
    await notifier.idle()
    expect(rx.received).toHaveLength(0)
    const [d] = await deliveries()
    expect(d).toMatchObject({ ok: false, status: null, error: 'address_refused' })
  })

  it('test-sends one message without a subscription', async () => {
    start()
    const ch = await channel('slack', tenant.id, [])
    const result = await notifier.testSend(ch)
    expect(result).toMatchObject({ ok: true, attempts: 1 })
    expect(rx.on('/slack')[0]?.body.text).toContain('qcc test notification')
    rx.script.push(answer(404))
    expect(await notifier.testSend(ch)).toMatchObject({ ok: false, status: 404, error: 'http_404' })
    await waitFor(async () => (await deliveries()).length === 2)
  })
})
