/**
 * Sends notifications for console events. The bus listener only maps the event and queues it
 * (synchronous, O(1)), so the request path never waits on a webhook; workers look up the
 * subscribed channels, de-duplicate, send with a timeout, retry a few times and record every
 * delivery in the audit log (`notification.delivery`). Every send goes through the outbound
 * client (docs/contract.md §9): the address policy is applied to the address connected to, redirects are not
 * followed, and a delivery records only a status and an error class, never the receiver's body.
 */
import type { NotificationChannel, Store } from '@qcc/store'
import type { EventBus } from '../events/bus'
import type { Logger } from '../observability/logger'
import type { OutboundClient } from '../outbound/outbound-client'
import {
  buildRequest,
  CHANNEL_KINDS,
  deliveryProblem,
  readChannelConfig,
  type ChannelKind,
  type NotifyMessage,
} from './channels'
import { NotifyEventMapper, renderEvent, type NotifyEvent } from './events'

export interface NotifierDeps {
  store: Store
  bus: EventBus
  logger: Logger
  /** Same event, channel and key within this window: sent once (default 5 min). */
  dedupMs?: number
  /** Delays before the 2nd, 3rd, ... attempt (default 1 s, 5 s: three attempts). */
  retryDelaysMs?: number[]
  /** Per-attempt timeout (default 8 s). */
  timeoutMs?: number
  /** The policy-checked client; a channel's `allowPrivate` decides which addresses it reaches. */
  outbound: OutboundClient
  now?: () => number
}

/** Result of one delivery (all its attempts). */
export interface DeliveryResult {
  ok: boolean
  attempts: number
  status: number | null
  /** An error class or `http_<status>` (docs/contract.md §9); never text from the receiver's body. */
  error: string | null
}

/** The running notifier. */
export interface Notifier {
  /** Sends a test message to one channel now, bypassing subscriptions and de-duplication. */
  testSend(channel: NotificationChannel): Promise<DeliveryResult>
  /** Resolves when the queue is empty and no delivery is in flight (tests, shutdown). */
  idle(): Promise<void>
  stop(): Promise<void>
}

const MAX_QUEUE = 1000
const WORKERS = 2

/** Subscribes to the bus and starts delivering. */
export function startNotifier(deps: NotifierDeps): Notifier {
  const { store, logger } = deps
  const now = deps.now ?? Date.now
  const dedupMs = deps.dedupMs ?? 300_000
  const retryDelays = deps.retryDelaysMs ?? [1000, 5000]
  const timeoutMs = deps.timeoutMs ?? 8000
  const mapper = new NotifyEventMapper()
  const queue: NotifyEvent[] = []
  const lastSent = new Map<string, number>()
  let active = 0
  let stopped = false
  let waiters: (() => void)[] = []
  // Pending retry waits; `stop()` ends them early so no delivery outlives the server.
  const sleeps = new Map<NodeJS.Timeout, () => void>()

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        sleeps.delete(t)
        resolve()
      }, ms)
      sleeps.set(t, resolve)
    })
  const settle = () => {
    if (queue.length > 0 || active > 0) return
    for (const w of waiters) w()
    waiters = []
  }

  const whenIdle = () =>
    new Promise<void>((resolve) => {
      waiters.push(resolve)
      settle()
    })

  const unsubscribe = deps.bus.subscribe((event) => {
    // Another replica's event was notified there; notifying it here too would send it once per
    // replica (docs/contract.md §11).
    if (stopped || event.remote) return
    for (const n of mapper.map(event)) {
      if (queue.length >= MAX_QUEUE) {
        logger.warn({ event: n.type }, 'notification queue full; dropped')
        continue
      }
      queue.push(n)
    }
    pump()
  })

  function pump(): void {
    while (!stopped && active < WORKERS && queue.length > 0) {
      const next = queue.shift() as NotifyEvent
      active += 1
      void dispatch(next)
        .catch((err: unknown) => logger.warn({ err }, 'notification dispatch failed'))
        .finally(() => {
          active -= 1
          pump()
          settle()
        })
    }
    settle()
  }

  async function recipients(e: NotifyEvent): Promise<NotificationChannel[]> {
    const subs = await store.listNotificationSubscriptions(
      e.accountId ? { accountId: e.accountId } : undefined,
    )
    const wanted = new Set(
      subs
        .filter((s) => s.enabled && (s.eventType === e.type || s.eventType === '*'))
        .map((s) => s.channelId),
    )
    if (wanted.size === 0) return []
    let owners: Set<string> | undefined
    if (e.accountId === null) {
      owners = new Set((await store.listAccounts()).filter((a) => a.isAdmin).map((a) => a.id))
    }
    const channels = await store.listNotificationChannels(e.accountId ?? undefined)
    return channels.filter(
      (c) => c.enabled && wanted.has(c.id) && (!owners || owners.has(c.accountId)),
    )
  }

  async function dispatch(e: NotifyEvent): Promise<void> {
    const channels = await recipients(e)
    if (channels.length === 0) return
    const names = new Map<string, string>()
    for (const id of [e.nodeId, e.fromNodeId]) {
      if (!id) continue
      const node = await store.getNode(id).catch(() => null)
      if (node) names.set(id, node.name)
    }
    const { title, text } = renderEvent(e, names)
    const t = now()
    for (const [k, at] of lastSent) if (t - at >= dedupMs) lastSent.delete(k)
    await Promise.all(
      channels.map(async (channel) => {
        const dedupKey = `${channel.id}|${e.type}|${e.key}`
        const seen = lastSent.get(dedupKey)
        if (seen !== undefined && t - seen < dedupMs) return
        lastSent.set(dedupKey, t)
        const msg: NotifyMessage = {
          event: e.type,
          title,
          text,
          accountId: e.accountId,
          data: { node_id: e.nodeId ?? null, from_node_id: e.fromNodeId ?? null, detail: e.detail },
          at: e.at,
        }
        await deliver(channel, msg)
      }),
    )
  }

  async function attempt(channel: NotificationChannel, msg: NotifyMessage) {
    const kind = channel.kind as ChannelKind
    if (!CHANNEL_KINDS.includes(kind)) return { status: null, error: `unknown kind ${kind}` }
    const config = readChannelConfig(channel.config)
    let req: ReturnType<typeof buildRequest>
    try {
      req = buildRequest(kind, config, msg, now())
    } catch {
      return { status: null, error: 'connect_refused' } // a stored URL that no longer parses
    }
    // The address policy runs inside the connect (no separate lookup to race a DNS change).
    const res = await deps.outbound.request({
      url: req.url,
      method: 'POST',
      headers: req.headers,
      body: req.body,
      allowPrivate: config.allowPrivate === true,
      timeoutMs,
    })
    if (res.kind === 'failed') return { status: res.status ?? null, error: res.errorClass }
    return { status: res.status, error: deliveryProblem(kind, res.status, res.body) }
  }

  async function deliver(channel: NotificationChannel, msg: NotifyMessage, retry = true) {
    let result: DeliveryResult = { ok: false, attempts: 0, status: null, error: null }
    for (let i = 0; i <= (retry ? retryDelays.length : 0); i += 1) {
      if (i > 0) await sleep(retryDelays[i - 1] ?? 1000)
      if (stopped && i > 0) break
      const r = await attempt(channel, msg)
      result = { ok: r.error === null, attempts: i + 1, status: r.status, error: r.error }
      if (result.ok) break
    }
    if (!result.ok) {
      logger.warn({ channel: channel.id, event: msg.event, error: result.error }, 'notify failed')
    }
    await store
      .appendAudit({
        actorId: null,
        accountId: channel.accountId,
        action: 'notification.delivery',
        targetType: 'notification_channel',
        targetId: channel.id,
        detail: { event_type: msg.event, ...result },
      })
      .catch((err: unknown) => logger.warn({ err }, 'recording a notification failed'))
    return result
  }

  return {
    testSend: (channel) =>
      // One attempt: the console shows the outcome at once.
      deliver(
        channel,
        {
          event: 'test',
          title: 'qcc test notification',
          text: `Channel "${channel.name}" works.`,
          accountId: channel.accountId,
          data: {},
          at: new Date(now()).toISOString(),
        },
        false,
      ),
    idle: whenIdle,
    stop: async () => {
      stopped = true
      unsubscribe()
      queue.length = 0
      for (const [t, resolve] of sleeps) {
        clearTimeout(t)
        resolve()
      }
      sleeps.clear()
      settle()
      // A send in flight ends within its timeout; shutdown waits for it only briefly.
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        whenIdle(),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000))),
      ])
      clearTimeout(timer)
    },
  }
}
