import { describe, expect, it } from 'vitest'
import { usageEvent } from '../../test/support/harness'
import { emptyState, type Mem } from './state'
import { memoryUsageSink } from './usage'

describe('memory usage sink', () => {
  it('keeps only the newest raw rows past its cap, with exact rollups', async () => {
    const m = { state: emptyState() } as unknown as Mem
    const sink = memoryUsageSink(m, () => false, 3)
    for (let i = 0; i < 5; i++) {
      const event = usageEvent({ accountId: 'a', inputTokens: 10, requestId: `r${i}` })
      await sink.writeBatch({ id: `b${i}`, events: [event], overflow: [] })
    }
    expect([...m.state.usage.keys()]).toEqual(['r2', 'r3', 'r4'])
    const inputs = [...m.state.rollups.values()]
      .filter((r) => r.bucket === 'day')
      .reduce((n, r) => n + r.counters.inputTokens, 0)
    expect(inputs).toBe(50)
  })
})
