import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Store } from '@qcc/store'
import { createLogger } from '../observability/logger'
import { scheduleRetention } from './retention'

afterEach(() => {
  vi.useRealTimers()
})

describe('scheduleRetention', () => {
  it('runs a minute after start, then every six hours, with the configured days', async () => {
    vi.useFakeTimers()
    const calls: unknown[] = []
    const store = {
      retention: async (options: unknown) => {
        calls.push(options)
        return { usageEvents: 0, healthChecks: 0, sessions: 0 }
      },
    } as unknown as Store
    const job = scheduleRetention(
      store,
      { usageRawDays: 90, healthDays: 30 },
      createLogger('silent'),
    )
    await vi.advanceTimersByTimeAsync(59_000)
    expect(calls).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(calls).toEqual([{ usageRawDays: 90, healthDays: 30 }])
    await vi.advanceTimersByTimeAsync(6 * 3600_000)
    expect(calls).toHaveLength(2)
    job.stop()
    await vi.advanceTimersByTimeAsync(12 * 3600_000)
    expect(calls).toHaveLength(2)
  })
})
