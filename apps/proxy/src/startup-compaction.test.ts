import { afterEach, describe, expect, it, vi } from 'vitest'
import { fullCollection, scheduleStartupCompaction } from './startup-compaction'

afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

describe('scheduleStartupCompaction', () => {
  it('collects once per delay, after it, without holding the process open', () => {
    vi.useFakeTimers()
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    const calls: number[] = []
    const started = Date.now()
    scheduleStartupCompaction([20, 40], () => calls.push(Date.now() - started))
    expect(calls).toEqual([])
    // Every timer it made was unref'd: none keeps the process alive by itself.
    const timers = setTimeoutSpy.mock.results.map((r) => r.value as NodeJS.Timeout)
    expect(timers).toHaveLength(2)
    for (const timer of timers) expect(timer.hasRef()).toBe(false)
    vi.advanceTimersByTime(19)
    expect(calls).toEqual([])
    vi.advanceTimersByTime(100)
    expect(calls).toEqual([20, 40])
  })

  it('reaches V8 for a real full collection', () => {
    expect(() => fullCollection()).not.toThrow()
  })
})
