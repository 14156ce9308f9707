import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SessionStreams } from './session-streams'

// The session checks run on SessionStreams' own interval timers: fake time drives them.
beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('SessionStreams', () => {
  it('closes the oldest stream of a session when one more than the cap opens', () => {
    const streams = new SessionStreams(async () => true, 60_000, 2)
    const closed: string[] = []
    const a = streams.add('s1', () => closed.push('a'))
    streams.add('s1', () => closed.push('b'))
    streams.add('s2', () => closed.push('other'))
    streams.add('s1', () => closed.push('c'))
    expect(closed).toEqual(['a'])
    expect(streams.count('s1')).toBe(2)
    a() // the closed stream unregistering later changes nothing
    expect(streams.count('s1')).toBe(2)
    expect(streams.count('s2')).toBe(1)
  })

  it('checks each session once per interval however many streams it holds, and closes them when it ended', async () => {
    const checks: string[] = []
    let live = true
    const streams = new SessionStreams(async (id) => {
      checks.push(id)
      return live
    }, 40)
    const closed: number[] = []
    const unregister = [1, 2, 3].map((n) => streams.add('s1', () => closed.push(n)))
    await vi.advanceTimersByTimeAsync(110)
    expect(checks).toEqual(['s1', 's1']) // at 40 and 80 ms: once per interval, not per stream
    expect(closed).toEqual([])
    live = false
    await vi.advanceTimersByTimeAsync(40)
    expect(closed).toEqual([1, 2, 3])
    for (const u of unregister) u()
    expect(vi.getTimerCount()).toBe(0) // no session left, no timer left
    await vi.advanceTimersByTimeAsync(100)
    expect(checks).toHaveLength(3)
  })

  it('keeps the streams when the check fails (store down)', async () => {
    let checks = 0
    const streams = new SessionStreams(async () => {
      checks++
      throw new Error('database down')
    }, 20)
    const closed: number[] = []
    const unregister = streams.add('s1', () => closed.push(1))
    await vi.advanceTimersByTimeAsync(80)
    expect(checks).toBe(4)
    expect(closed).toEqual([])
    unregister()
    expect(streams.count('s1')).toBe(0)
  })
})
