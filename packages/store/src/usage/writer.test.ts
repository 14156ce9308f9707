import { afterEach, describe, expect, it } from 'vitest'
import { FakeTime } from '../../test/support/fake-time'
import { usageEvent } from '../../test/support/harness'
import { isStoreError } from '../errors'
import type { UsageEvent } from '../types/usage'
import { isStorableEvent, normalizeEvent } from './normalize'
import {
  BatchingUsageWriter,
  type UsageBatch,
  type UsageSink,
  type UsageWriterOptions,
} from './writer'

/** A sink that dedupes by batch id like the real ones, and can fail or hang on demand. */
class FakeSink implements UsageSink {
  calls: UsageBatch[] = []
  applied = new Map<string, UsageBatch>()
  mode: 'ok' | 'fail' | 'hang' | 'commit-then-fail' = 'ok'

  async writeBatch(batch: UsageBatch): Promise<void> {
    this.calls.push(batch)
    if (this.mode === 'fail') throw new Error('db down')
    if (this.mode === 'hang') return new Promise(() => undefined)
    if (!this.applied.has(batch.id)) this.applied.set(batch.id, batch)
    if (this.mode === 'commit-then-fail') {
      this.mode = 'ok'
      throw new Error('connection lost after COMMIT')
    }
  }

  requests(): number {
    let n = 0
    for (const b of this.applied.values()) {
      n += b.events.length
      n += b.overflow
        .filter((d) => d.bucket === 'minute')
        .reduce((s, d) => s + d.counters.requests, 0)
    }
    return n
  }
}

let time = new FakeTime()
const writers: BatchingUsageWriter[] = []
function make(sink: UsageSink, o: UsageWriterOptions = {}) {
  const w = new BatchingUsageWriter(
    sink,
    { flushIntervalMs: 60_000, retryMinMs: 5, retryMaxMs: 20, ...o },
    { clock: time, timers: time },
  )
  writers.push(w)
  return w
}
afterEach(async () => {
  for (const w of writers.splice(0)) await time.run(w.close()).catch(() => undefined)
  time = new FakeTime()
})
const ev = () => usageEvent({ accountId: 'a' })

describe('BatchingUsageWriter', () => {
  it('writes in batches of batchSize', async () => {
    const sink = new FakeSink()
    const w = make(sink, { batchSize: 3 })
    for (let i = 0; i < 7; i++) w.enqueue(ev())
    await time.run(w.flush())
    expect(sink.calls.map((b) => b.events.length)).toEqual([3, 3, 1])
    expect(w.stats()).toMatchObject({ pending: 0, written: 7 })
  })

  it('flushes in the background on a full batch and on the timer', async () => {
    const sink = new FakeSink()
    const w = make(sink, { batchSize: 4 })
    for (let i = 0; i < 3; i++) w.enqueue(ev())
    await time.advance(0)
    expect(sink.requests()).toBe(0) // neither a full batch nor the timer yet
    w.enqueue(ev())
    await time.advance(0)
    expect(sink.requests()).toBe(4)
    const timed = make(sink, { flushIntervalMs: 10 })
    timed.enqueue(ev())
    await time.advance(9)
    expect(sink.requests()).toBe(4)
    await time.advance(1)
    expect(sink.requests()).toBe(5)
  })

  it('drops duplicate request ids and refuses events without one', () => {
    const w = make(new FakeSink())
    const e = ev()
    w.enqueue(e)
    w.enqueue({ ...e })
    expect(w.stats()).toMatchObject({ pending: 1, duplicates: 1 })
    expect(
      isStoreError(
        (() => {
          try {
            w.enqueue({ ...e, requestId: '' })
          } catch (x) {
            return x
          }
        })(),
        'invalid',
      ),
    ).toBe(true)
  })

  it('retries the same batch after an ambiguous failure, counting it once', async () => {
    const sink = new FakeSink()
    sink.mode = 'commit-then-fail'
    const w = make(sink)
    w.enqueue(ev())
    w.enqueue(ev())
    await time.run(w.flush())
    expect(sink.calls.length).toBe(2)
    expect(sink.calls[0]?.id).toBe(sink.calls[1]?.id)
    expect(sink.requests()).toBe(2)
    expect(w.stats()).toMatchObject({ written: 2, failedFlushes: 1, lastError: null })
    expect(time.now()).toBe(5) // the retry waited retryMinMs
  })

  it('backs off doubling up to retryMaxMs, and the timer waits for the backoff', async () => {
    const sink = new FakeSink()
    sink.mode = 'fail'
    const w = make(sink, { flushIntervalMs: 1 })
    w.enqueue(ev())
    const tries: number[] = []
    const write = sink.writeBatch.bind(sink)
    sink.writeBatch = (batch) => {
      tries.push(time.now())
      return write(batch)
    }
    await time.advance(60)
    // 5, 10, 20, then capped at 20 ms apart; the 1 ms timer ticks in between change nothing.
    expect(tries).toEqual([1, 6, 16, 36, 56])
    sink.mode = 'ok'
    await time.run(w.flush())
    expect(sink.requests()).toBe(1)
  })

  it('never blocks enqueue while the database is down, and retries', async () => {
    const sink = new FakeSink()
    sink.mode = 'hang'
    const w = make(sink, { writeTimeoutMs: 30, flushTimeoutMs: 100, batchSize: 10 })
    const t0 = performance.now()
    for (let i = 0; i < 1000; i++) w.enqueue(ev())
    expect(performance.now() - t0).toBeLessThan(200)
    const err = await time.run(w.flush()).catch((e) => e)
    expect(isStoreError(err, 'unavailable')).toBe(true)
    expect(time.now()).toBeGreaterThanOrEqual(100)
    expect(w.stats().pending).toBe(1000)
    expect(w.stats().lastError).toMatch(/timed out/)
    sink.mode = 'ok'
    await time.run(w.flush())
    expect(sink.requests()).toBe(1000)
  })

  it('keeps exact totals beyond the cap while dropping raw rows', async () => {
    const sink = new FakeSink()
    sink.mode = 'fail'
    const w = make(sink, { maxPending: 5, batchSize: 2 })
    const events = Array.from({ length: 30 }, () => ({ ...ev(), inputTokens: 3 }))
    for (const e of events) w.enqueue(e)
    expect(w.stats()).toMatchObject({ pending: 5, dropped: 25 })
    sink.mode = 'ok'
    await time.run(w.flush())
    expect(sink.requests()).toBe(30)
    const rawRows = [...sink.applied.values()].reduce((n, b) => n + b.events.length, 0)
    expect(rawRows).toBe(5)
    const overflowTokens = [...sink.applied.values()]
      .flatMap((b) => b.overflow)
      .filter((d) => d.bucket === 'day')
      .reduce((n, d) => n + d.counters.inputTokens, 0)
    expect(overflowTokens).toBe(75)
  })

  it('flushes on close, stops its timer and refuses events afterwards', async () => {
    const sink = new FakeSink()
    const w = make(sink)
    w.enqueue(ev())
    await time.run(w.close())
    w.enqueue(ev())
    expect(sink.requests()).toBe(1)
    expect(w.stats()).toMatchObject({ written: 1, rejectedAfterClose: 1 })
    await expect(time.run(new Promise(() => undefined))).rejects.toThrow(/no timer/)
  })

  it('normalizes counts and rounds cost to nano-dollars', async () => {
    const sink = new FakeSink()
    const w = make(sink)
    w.enqueue({
      ...ev(),
      inputTokens: -5,
      outputTokens: Number.NaN,
      costUsd: 0.1234567891234,
      ttfbMs: 12.6,
    })
    await time.run(w.flush())
    const e = sink.calls[0]?.events[0]
    expect(e).toMatchObject({ inputTokens: 0, outputTokens: 0, costUsd: 0.123456789, ttfbMs: 13 })
  })
})

describe('normalizeEvent', () => {
  it('makes any event storable', () => {
    const e = normalizeEvent({
      ...ev(),
      accountId: 'x'.repeat(50),
      model: '',
      status: 1e6,
      durationMs: 1e12,
      costUsd: Number.POSITIVE_INFINITY,
      nodeId: '',
      at: new Date(Number.NaN),
    })
    expect(e).toMatchObject({
      model: 'unknown',
      status: 999,
      durationMs: 2 ** 31 - 1,
      costUsd: 0,
      nodeId: null,
    })
    expect(e.accountId.length).toBe(36)
    expect(Number.isNaN(e.at.getTime())).toBe(false)
    expect(e.refusal).toBeNull()
  })

  it('keeps a refusal reason, cut to 200 characters (docs/contract.md §10)', () => {
    expect(normalizeEvent({ ...ev(), refusal: 'key rpm limit 10 reached' }).refusal).toBe(
      'key rpm limit 10 reached',
    )
    expect(normalizeEvent({ ...ev(), refusal: 'r'.repeat(300) }).refusal).toBe('r'.repeat(200))
    expect(normalizeEvent({ ...ev(), refusal: '' }).refusal).toBeNull()
    expect(normalizeEvent({ ...ev(), upstreamModel: 'glm-4.6' }).upstreamModel).toBe('glm-4.6')
    expect(normalizeEvent({ ...ev(), upstreamModel: 'u'.repeat(300) }).upstreamModel).toBe(
      'u'.repeat(256),
    )
    expect(normalizeEvent({ ...ev(), upstreamModel: '' }).upstreamModel).toBeNull()
  })
})

describe('isStorableEvent', () => {
  it('accepts exactly the events normalizeEvent leaves as they are', () => {
    const good: UsageEvent = {
      ...ev(),
      costUsd: 0.000123456,
      upstreamModel: null,
      pricedBy: null,
      refusal: null,
      refused: null,
      trace: null,
      clientIp: null,
      userAgent: null,
      stream: null,
    }
    expect(isStorableEvent(good)).toBe(true)
    expect(normalizeEvent(good)).toEqual(good)
    const bad = [
      { costUsd: 0.1234567891234 },
      { inputTokens: -1 },
      { outputTokens: 1.5 },
      { model: '' },
      { accountId: 'x'.repeat(37) },
      { status: 1000 },
      { ttfbMs: Number.NaN },
      { at: new Date(Number.NaN) },
      { sessionId: '' },
      { refusal: '' },
      { refusal: 'r'.repeat(201) },
      { upstreamModel: '' },
      { upstreamModel: 'u'.repeat(257) },
      { model: 'm'.repeat(257) },
      { pricedBy: 'cheap' as never },
      { refused: '' },
      { clientIp: 'i'.repeat(46) },
      { userAgent: 'u'.repeat(257) },
      { trace: [{ nodeId: 'n' }] },
    ]
    for (const over of bad) {
      const e = { ...good, ...over } as typeof good
      expect(isStorableEvent(e)).toBe(false)
      expect(isStorableEvent(normalizeEvent(e))).toBe(true)
    }
  })
})
