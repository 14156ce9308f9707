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

/** One event as it goes over the channel: the event's own fields only. */
export type RelayedEvent = Pick<ConsoleEvent, 'type' | 'accountId' | 'data'>

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
  const ownPrefix = `${replicaId}\n`
  let closed = false
  let subscribed = false
  let warnedMalformed = false

  // The events of one event-loop turn go out as one message: at load, one PUBLISH (and one
  // message for every other replica to read) per turn instead of one per finished request.
  let batch: RelayedEvent[] = []
  const flush = () => {
    const events = batch
    batch = []
    if (closed || !link.up || events.length === 0) return
    let message: string
    try {
      message = encodeEvents(replicaId, events)
    } catch {
      return // not serializable: nothing another replica could use
    }
    // A publish that fails (the link dropped in between, the command timed out) is lost on
    // purpose: the store's change version and node states remain the fallback.
    link.client.publish(channel, message).catch(() => undefined)
  }
  const unsubscribe = bus.subscribe((event) => {
    if (closed || event.remote || !link.up) return
    if (batch.length === 0) setImmediate(flush)
    batch.push({ type: event.type, accountId: event.accountId, data: event.data })
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
    // This replica's own messages come back too: recognised by their origin, never parsed.
    if (message.startsWith(ownPrefix)) return
    const events = decodeEvents(message)
    if (events === undefined) {
      if (!warnedMalformed) log.warn({ channel }, 'ignoring a malformed event from redis')
      warnedMalformed = true
      return
    }
    for (const event of events) bus.publish({ ...event, remote: true } as ConsoleEvent)
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
 * One message of the channel: the publishing replica's id, a newline, then the JSON array of its
 * events (the origin first, so a replica skips its own messages without parsing them).
 */
export function encodeEvents(origin: string, events: readonly RelayedEvent[]): string {
  return `${origin}\n${JSON.stringify(events)}`
}

/**
 * Reads one message: `undefined` when it is not one at all; otherwise its events of types this
 * version knows (a newer replica's new type is dropped), only their own fields kept.
 */
export function decodeEvents(message: string): RelayedEvent[] | undefined {
  const cut = message.indexOf('\n')
  if (cut <= 0) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(message.slice(cut + 1))
  } catch {
    return undefined
  }
  if (!Array.isArray(parsed)) return undefined
  const events: RelayedEvent[] = []
  for (const item of parsed as unknown[]) {
    if (!isObject(item)) return undefined
    const { type, accountId, data } = item
    if (typeof type !== 'string' || !isObject(data)) return undefined
    if (accountId !== null && typeof accountId !== 'string') return undefined
    if (KNOWN_TYPES.has(type)) events.push({ type, accountId, data } as RelayedEvent)
  }
  return events
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
