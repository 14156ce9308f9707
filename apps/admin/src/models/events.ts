import { createModel, signal } from '@preact/signals'

/** The part of `EventSource` the model uses, so tests can hand in a fake. */
export interface EventSourceLike {
  readonly readyState: number
  onopen: ((ev: Event) => unknown) | null
  onerror: ((ev: Event) => unknown) | null
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void
  close(): void
}

export interface EventsDeps {
  open: (url: string) => EventSourceLike
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

export type StreamStatus = 'idle' | 'connecting' | 'open' | 'retrying'
export type EventHandler = (type: string, data: unknown) => void

/** Event types the console listens for; SSE needs each named type registered. */
export const EVENT_TYPES = ['ready', 'node.state', 'request', 'health.check', 'config.changed']
const URL = '/admin/api/events'
const MAX_BACKOFF_MS = 15_000

/**
 * The live stream from `/admin/api/events`. EventSource retries a dropped connection by itself,
 * but gives up for good on an HTTP error or a server that ends the stream (session check), so
 * the model closes and reopens with backoff on every error instead of trusting either.
 */
export const EventsModel = createModel((deps: EventsDeps) => {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as number))
  const status = signal<StreamStatus>('idle', { name: 'events.status' })
  const received = signal(0, { name: 'events.received' })
  const handlers = new Set<EventHandler>()
  let source: EventSourceLike | null = null
  let timer: unknown = null
  let backoff = 1000

  function dispatch(type: string, raw: string): void {
    let data: unknown
    try {
      data = JSON.parse(raw)
    } catch {
      return
    }
    received.value++
    for (const h of handlers) h(type, data)
  }

  function connect(): void {
    timer = null
    status.value = 'connecting'
    const es = deps.open(URL)
    source = es
    es.onopen = () => {
      backoff = 1000
      status.value = 'open'
    }
    es.onerror = () => {
      if (source !== es) return
      es.close()
      source = null
      status.value = 'retrying'
      timer = setTimer(connect, backoff)
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
    }
    for (const type of EVENT_TYPES) {
      es.addEventListener(type, (ev) => dispatch(type, String(ev.data)))
    }
  }

  function start(): void {
    if (source || timer !== null) return
    connect()
  }

  function stop(): void {
    if (timer !== null) clearTimer(timer)
    timer = null
    source?.close()
    source = null
    status.value = 'idle'
  }

  /** @returns a function that unsubscribes */
  function on(handler: EventHandler): () => void {
    handlers.add(handler)
    return () => handlers.delete(handler)
  }

  return { status, received, start, stop, on }
})
export type EventsModel = InstanceType<typeof EventsModel>
