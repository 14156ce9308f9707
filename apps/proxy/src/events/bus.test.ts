import { describe, expect, it } from 'vitest'
import { EventBus, type ConsoleEvent } from './bus'

const event: ConsoleEvent = {
  type: 'config.changed',
  accountId: null,
  data: { at: '2026-11-27T00:00:00.000Z' },
}

describe('EventBus', () => {
  it('delivers to every subscriber until it unsubscribes', () => {
    const bus = new EventBus()
    const seen: string[] = []
    const off = bus.subscribe((e) => seen.push(`a:${e.type}`))
    bus.subscribe((e) => seen.push(`b:${e.type}`))
    bus.publish(event)
    off()
    bus.publish(event)
    expect(seen).toEqual(['a:config.changed', 'b:config.changed', 'b:config.changed'])
    expect(bus.size).toBe(1)
  })

  it('isolates a throwing listener', () => {
    const errors: unknown[] = []
    const bus = new EventBus((err) => errors.push(err))
    let delivered = 0
    bus.subscribe(() => {
      throw new Error('boom')
    })
    bus.subscribe(() => delivered++)
    bus.publish(event)
    expect(delivered).toBe(1)
    expect(errors).toHaveLength(1)
  })
})
