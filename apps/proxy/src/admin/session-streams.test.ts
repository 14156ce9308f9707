import { describe, expect, it } from 'vitest'
import { SessionStreams } from './session-streams'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

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
    await sleep(110)
    expect(checks.length).toBeGreaterThanOrEqual(1)
    expect(checks.length).toBeLessThanOrEqual(3)
    expect(closed).toEqual([])
    live = false
    await sleep(100)
    expect(closed).toEqual([1, 2, 3])
    for (const u of unregister) u()
    const before = checks.length
    await sleep(100)
    expect(checks.length).toBe(before) // no session left, no timer left
  })

  it('keeps the streams when the check fails (store down)', async () => {
    const streams = new SessionStreams(async () => {
      throw new Error('database down')
    }, 20)
    const closed: number[] = []
    const unregister = streams.add('s1', () => closed.push(1))
    await sleep(80)
    expect(closed).toEqual([])
    unregister()
    expect(streams.count('s1')).toBe(0)
  })
})
