import type { Redis } from 'ioredis'
import type { ConsoleEvent, EventBus } from '../events/bus'
import type { Logger } from '../observability/logger'
import type { RedisLink } from './connection'

/**
 * Shares console events between replicas (docs/contract.md §11): config changes reach every
 * replica within 1 s, and the console's event stream on any replica carries every replica's
 * events. The relay publishes each local event on one Redis channel and puts the other replicas'
 * events on the local bus marked `remote`.
 */
export interface EventRelay {
  /** True while the subscriber connection is subscribed (other replicas' events arrive). */
  readonly subscribed: boolean
  /** Stops relaying and disconnects the subscriber connection; the link stays open. */
  close(): Promise<void>
}

export interface EventRelayDeps {
  /** The replica's link; its client publishes, a duplicate of it subscribes. */
  link: RedisLink
  bus: EventBus
  /** This replica's id, unique among the replicas sharing the prefix. */
  replicaId: string
  log: Pick<Logger, 'warn'>
}

/** What goes over the channel: the event as the bus carries it, and who published it. */
interface Envelope {
  origin: string
  event: Pick<ConsoleEvent, 'type' | 'accountId' | 'data'>
}

/**
 * Event types this version knows. A newer replica's new type (during a rolling upgrade) is
 * dropped here instead of reaching listeners that cannot handle it.
 */
const KNOWN_TYPES: ReadonlySet<string> = new Set<ConsoleEvent['type']>([
  'node.state',
  'request',
  'health.check',
  'config.changed',
  'tunnel.state',
])

/** The channel every replica with this prefix publishes on and listens to. */
export function eventChannel(prefix: string): string {
  return `${prefix}events`
}

/**
 * Starts relaying. Publishing is fire-and-forget: while the link is down an event is skipped
 * (nothing is queued for a reconnect, docs/contract.md §11), and a failed publish never throws
 * into the bus. Remote events are never published again (no ping-pong between replicas), and
 * this replica's own messages are ignored when they come back. The subscriber connection
 * reconnects by itself (the link's retry strategy) and subscribes again each time it is ready.
 *
 * @example
 * ```ts
 * const relay = startEventRelay({ link, bus: events, replicaId, log: logger })
 * // on shutdown, before link.close():
 * await relay.close()
 * ```
 */
export function startEventRelay(deps: EventRelayDeps): EventRelay {
  const { link, bus, replicaId, log } = deps
  const channel = eventChannel(link.prefix)
  let closed = false
  let subscribed = false
  let warnedMalformed = false

  const unsubscribe = bus.subscribe((event) => {
    if (closed || event.remote || !link.up) return
    let message: string
    try {
      const envelope: Envelope = {
        origin: replicaId,
        event: { type: event.type, accountId: event.accountId, data: event.data },
      }
      message = JSON.stringify(envelope)
    } catch {
      return // not serializable: nothing another replica could use
    }
    // A publish that fails (the link dropped in between, the command timed out) is lost on
    // purpose: the store's change version and node states remain the fallback.
    link.client.publish(channel, message).catch(() => undefined)
  })

  // A connection in subscriber mode cannot run other commands, so it is a connection of its
  // own, with the link's options (no offline queue, command timeout, retry strategy). It
  // subscribes again on each ready itself: a subscribe that ioredis would resend could fail
  // without anyone noticing.
  const subscriber: Redis = link.client.duplicate({
    autoResubscribe: false,
    enableAutoPipelining: false,
  })
  // ioredis emits an error per failed reconnect; the link already logs the outage once.
  subscriber.on('error', () => undefined)
  subscriber.on('close', () => void (subscribed = false))
  subscriber.on('ready', () => {
    if (closed) return
    subscriber.subscribe(channel).then(
      () => void (subscribed = !closed),
      (err: unknown) => {
        if (closed) return
        log.warn({ err }, 'redis event subscription failed; reconnecting')
        // A fresh connection (after the retry strategy's pause) subscribes again on its ready.
        subscriber.disconnect(true)
      },
    )
  })
  subscriber.on('message', (from: string, message: string) => {
    if (closed || from !== channel) return
    const envelope = decode(message)
    if (envelope === undefined) {
      if (!warnedMalformed) log.warn({ channel }, 'ignoring a malformed event from redis')
      warnedMalformed = true
      return
    }
    if (envelope === null || envelope.origin === replicaId) return
    bus.publish({ ...envelope.event, remote: true } as ConsoleEvent)
  })

  return {
    get subscribed() {
      return subscribed
    },
    async close() {
      if (closed) return
      closed = true
      subscribed = false
      unsubscribe()
      subscriber.disconnect(false)
    },
  }
}

/**
 * Reads one message: `undefined` when it is not an envelope at all, `null` when it is one of an
 * event type this version does not know. Only the event's own fields are kept.
 */
function decode(message: string): Envelope | null | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(message)
  } catch {
    return undefined
  }
  if (!isObject(parsed) || typeof parsed.origin !== 'string' || !isObject(parsed.event)) {
    return undefined
  }
  const { type, accountId, data } = parsed.event
  if (typeof type !== 'string' || !isObject(data)) return undefined
  if (accountId !== null && typeof accountId !== 'string') return undefined
  if (!KNOWN_TYPES.has(type)) return null
  return { origin: parsed.origin, event: { type, accountId, data } as Envelope['event'] }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
