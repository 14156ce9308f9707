import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { dropKeys, testPrefix, upLink } from '../../test/redis-fakes'
import { startRedisRelay, type RedisRelay } from '../../test/redis-relay'
import { eventually, pollUntil } from '../../test/wait'
import { EventBus, type ConsoleEvent } from '../events/bus'
import { createLogger } from '../observability/logger'
import type { RedisLink } from './connection'
import {
  decodeEvents,
  encodeEvents,
  eventChannel,
  startEventRelay,
  type EventRelay,
} from './event-relay'

const prefix = testPrefix()
const log = createLogger('silent')
const at = '2026-11-27T00:00:00.000Z'

/** A config change of account `id`: the id names each event in these tests. */
const change = (id: string): ConsoleEvent => ({
  type: 'config.changed',
  accountId: id,
  data: { at },
})

/** One replica's side: its link, its bus, what its bus carried and the errors it isolated. */
interface Side {
  link: RedisLink
  bus: EventBus
  relay: EventRelay
  seen: ConsoleEvent[]
  errors: unknown[]
}

const opened: Array<{ close(): Promise<void> }> = []

async function side(replicaId: string, url?: string): Promise<Side> {
  const link = await upLink(prefix, url, { maxRetryDelayMs: 100 })
  const errors: unknown[] = []
  const bus = new EventBus((err) => errors.push(err))
  const seen: ConsoleEvent[] = []
  bus.subscribe((event) => void seen.push(event))
  const relay = startEventRelay({ link, bus, replicaId, log })
  // The relay first, then its link: the order runtime.ts closes them in.
  opened.push(relay, link)
  await pollUntil(`${replicaId} subscribed`, () => relay.subscribed)
  return { link, bus, relay, seen, errors }
}

/** Every message on the channel, raw, with its origin: what the relays actually published. */
async function tap(link: RedisLink): Promise<Array<{ origin: string; id: unknown; n: number }>> {
  const raw: Redis = link.client.duplicate()
  opened.push({ close: async () => raw.disconnect() })
  // No offline queue: the subscribe waits for the connection itself.
  if (raw.status !== 'ready') await new Promise((resolve) => raw.once('ready', resolve))
  const messages: Array<{ origin: string; id: unknown; n: number }> = []
  let n = 0
  raw.on('message', (_channel: string, message: string) => {
    const origin = message.slice(0, message.indexOf('\n'))
    n++
    for (const event of decodeEvents(message) ?? [])
      messages.push({ origin, id: event.accountId, n })
  })
  await raw.subscribe(eventChannel(prefix))
  return messages
}

const ids = (events: ConsoleEvent[]) => events.map((e) => `${e.accountId}${e.remote ? '*' : ''}`)

let cleanup: RedisLink
beforeAll(async () => void (cleanup = await upLink(prefix)))
afterEach(async () => {
  for (const c of opened.splice(0).reverse()) await c.close()
})
afterAll(async () => {
  await dropKeys(cleanup, prefix)
  await cleanup.close()
})

describe('event relay between replicas', () => {
  it('carries an event to the other replica marked remote, once, and not back', async () => {
    const a = await side('replica-a')
    const b = await side('replica-b')
    a.bus.publish(change('e1'))
    await eventually(() => expect(ids(b.seen)).toEqual(['e1*']))
    // B's answer comes after A's event on the one channel: once A has it, any echo of its own
    // event would have arrived before it.
    b.bus.publish(change('e2'))
    await eventually(() => expect(ids(a.seen)).toEqual(['e1', 'e2*']))
    await eventually(() => expect(ids(b.seen)).toEqual(['e1*', 'e2']))
    // Only the event's own fields travel, and it arrives whole.
    expect(b.seen[0]).toEqual({ ...change('e1'), remote: true })
    expect(a.errors.concat(b.errors)).toEqual([])
  })

  it('never publishes a remote event again', async () => {
    const a = await side('replica-a')
    const b = await side('replica-b')
    const messages = await tap(a.link)
    a.bus.publish(change('e1')) // B puts it on its bus as remote; B's relay must stay quiet
    a.bus.publish({ ...change('relayed'), remote: true }) // as if A had it from a third replica
    await eventually(() => expect(ids(b.seen)).toEqual(['e1*']))
    b.bus.publish(change('sentinel'))
    await eventually(() => expect(messages.map((m) => m.id)).toContain('sentinel'))
    expect(messages).toEqual([
      { origin: 'replica-a', id: 'e1', n: 1 },
      { origin: 'replica-b', id: 'sentinel', n: 2 },
    ])
  })

  it('drops a malformed or unknown message without breaking the stream', async () => {
    const a = await side('replica-a')
    const channel = eventChannel(prefix)
    await a.link.client.publish(channel, 'not json')
    await a.link.client.publish(channel, 'replica-c\n{"not":"a list"}')
    await a.link.client.publish(
      channel,
      encodeEvents('replica-c', [
        { type: 'later.kind', accountId: null, data: {} } as never,
        change('good'),
      ]),
    )
    await eventually(() => expect(ids(a.seen)).toEqual(['good*']))
  })

  it('sends the events of one turn in one message, in order', async () => {
    const a = await side('replica-a')
    const b = await side('replica-b')
    const raw = await tap(b.link)
    for (let i = 0; i < 5; i++) a.bus.publish(change(`burst-${i}`))
    await eventually(() => expect(ids(b.seen)).toEqual([0, 1, 2, 3, 4].map((i) => `burst-${i}*`)))
    const fromA = raw.filter((m) => m.origin === 'replica-a')
    expect(fromA.map((m) => m.id)).toEqual([0, 1, 2, 3, 4].map((i) => `burst-${i}`))
    expect(new Set(fromA.map((m) => m.n)).size).toBe(1)
  })
})

describe('event relay while Redis is away', () => {
  let cut: RedisRelay
  beforeAll(async () => void (cut = await startRedisRelay()))
  afterAll(async () => cut.close())

  it('skips publishing without throwing or queueing, and relays again once back', async () => {
    const a = await side('replica-a', cut.url())
    const b = await side('replica-b')
    await cut.cut()
    await pollUntil('link down', () => !a.link.up && !a.relay.subscribed, { timeoutMs: 3000 })
    const start = performance.now()
    a.bus.publish(change('lost'))
    expect(performance.now() - start).toBeLessThan(50)
    // While the link is down B's events do not reach A either; they are not kept for it.
    b.bus.publish(change('missed'))

    await cut.restore()
    await pollUntil('link back', () => a.link.up && a.relay.subscribed, { timeoutMs: 5000 })
    a.bus.publish(change('after'))
    await eventually(() => expect(ids(b.seen)).toContain('after*'))
    // The event published while down was skipped, not sent late.
    expect(ids(b.seen)).toEqual(['missed', 'after*'])
    // A subscribed again by itself: B's events reach it.
    b.bus.publish(change('back'))
    await eventually(() => expect(ids(a.seen)).toEqual(['lost', 'after', 'back*']))
    expect(a.errors).toEqual([])
  })

  it('does not throw when the link drops between the up check and the publish', async () => {
    const a = await side('replica-a', cut.url())
    cut.stall() // the socket stays open, so the link still looks up while nothing answers
    try {
      for (let i = 0; i < 20; i++) a.bus.publish(change(`stalled-${i}`))
      expect(a.errors).toEqual([])
      // The publishes time out and the dead socket is dropped: their failures are caught (an
      // unhandled rejection would fail this file).
      await pollUntil('link down', () => !a.link.up, { timeoutMs: 5000 })
    } finally {
      await cut.restore()
    }
  })
})
