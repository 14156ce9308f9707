import { describe, expect, it } from 'vitest'
import { EventsModel, type EventSourceLike } from './events'

class FakeSource implements EventSourceLike {
  readyState = 0
  onopen: ((ev: Event) => unknown) | null = null
  onerror: ((ev: Event) => unknown) | null = null
  closed = false
  listeners = new Map<string, (ev: MessageEvent) => void>()
  addEventListener(type: string, l: (ev: MessageEvent) => void) {
    this.listeners.set(type, l)
  }
  close() {
    this.closed = true
  }
  emit(type: string, data: unknown) {
    this.listeners.get(type)?.({ data: JSON.stringify(data) } as MessageEvent)
  }
}

function setup() {
  const sources: FakeSource[] = []
  const timers: { fn: () => void; ms: number }[] = []
  const model = new EventsModel({
    open: () => {
      const s = new FakeSource()
      sources.push(s)
      return s
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  })
  return { model, sources, timers }
}

describe('events model', () => {
  it('dispatches named events with parsed data', () => {
    const { model, sources } = setup()
    const seen: [string, unknown][] = []
    model.on((type, data) => seen.push([type, data]))
    model.start()
    sources[0]?.onopen?.(new Event('open'))
    expect(model.status.value).toBe('open')
    sources[0]?.emit('node.state', { node_id: 'n1', to: 'failed' })
    expect(seen).toEqual([['node.state', { node_id: 'n1', to: 'failed' }]])
    expect(model.received.value).toBe(1)
  })

  it('reopens after an error with growing backoff, reset once open', () => {
    const { model, sources, timers } = setup()
    model.start()
    sources[0]?.onerror?.(new Event('error'))
    expect(sources[0]?.closed).toBe(true)
    expect(model.status.value).toBe('retrying')
    expect(timers[0]?.ms).toBe(1000)
    timers[0]?.fn()
    sources[1]?.onerror?.(new Event('error'))
    expect(timers[1]?.ms).toBe(2000)
    timers[1]?.fn()
    sources[2]?.onopen?.(new Event('open'))
    sources[2]?.onerror?.(new Event('error'))
    expect(timers[2]?.ms).toBe(1000)
    expect(sources).toHaveLength(3)
  })

  it('stops cleanly and ignores a stale source', () => {
    const { model, sources, timers } = setup()
    model.start()
    model.start()
    expect(sources).toHaveLength(1)
    model.stop()
    expect(sources[0]?.closed).toBe(true)
    sources[0]?.onerror?.(new Event('error'))
    expect(timers).toHaveLength(0)
    expect(model.status.value).toBe('idle')
  })
})
