import { describe, expect, it } from 'vitest'
import type { ModelPrice } from '@qcc/core'
import type { UsageEvent } from '@qcc/store'
import { formatSseFrame } from '@qcc/testing'
import type { UsageResult } from '../data-path/usage-tap'
import { EventBus, type ConsoleEvent } from '../events/bus'
import { PriceTable } from './price-table'
import { createStoreUsageTap } from './store-usage-tap'

const PRICE: ModelPrice = {
  model: 'claude-test',
  inputPerMTok: 1_000_000,
  outputPerMTok: 2_000_000,
  cacheWrite5mPerMTok: 0,
  cacheWrite1hPerMTok: 0,
  cacheReadPerMTok: 0,
}

const RESULT: UsageResult = {
  status: 200,
  nodeId: 'node-1',
  attempts: 1,
  ttfbMs: 12,
  bytes: 0,
  partial: false,
  isSse: false,
}

/** The tap with a fake writer, clock and metrics, a real price table and a real event bus. */
async function tap(rows: readonly ModelPrice[] = [PRICE]) {
  const prices = new PriceTable({
    listPrices: async () => rows.map((p) => ({ ...p, updatedAt: new Date(0) })),
  })
  await prices.refresh()
  let now = 10_000
  const written: UsageEvent[] = []
  const published: ConsoleEvent[] = []
  const metrics = { opened: 0, closed: 0, finished: [] as Array<string | undefined> }
  const bus = new EventBus()
  bus.subscribe((event) => published.push(event))
  const usage = createStoreUsageTap({
    writer: { enqueue: (event) => written.push(event) },
    prices,
    bus,
    now: () => now,
    metrics: {
      streamOpened: () => void metrics.opened++,
      streamClosed: () => void metrics.closed++,
      requestFinished: (_event, nodeName) => void metrics.finished.push(nodeName),
    },
    nodeName: (id) => (id === 'node-1' ? 'alpha' : undefined),
  })
  const counted: Array<{ tokens: number; costUsd: number; at: number; written: number }> = []
  const begin = (model: string | undefined = 'claude-requested', countUsage = false) =>
    usage.begin({
      requestId: 'req-1',
      accountId: 'acct-1',
      keyId: 'key-1',
      sessionId: 'sess-1',
      model,
      route: '/v1/messages',
      startedAt: now,
      countUsage: countUsage
        ? (u, costUsd, at) =>
            void counted.push({
              tokens: u.inputTokens + u.outputTokens,
              costUsd,
              at,
              written: written.length,
            })
        : undefined,
    })
  return {
    begin,
    usage,
    written,
    published,
    metrics,
    counted,
    advance: (ms: number) => (now += ms),
  }
}

const STREAM = [
  formatSseFrame('message_start', {
    type: 'message_start',
    message: { model: 'claude-test', usage: { input_tokens: 10, output_tokens: 1 } },
  }),
  formatSseFrame('message_delta', { type: 'message_delta', usage: { output_tokens: 4 } }),
  formatSseFrame('message_stop', { type: 'message_stop' }),
]

describe('createStoreUsageTap', () => {
  it('reads a stream as it passes: tokens, cost, duration; written, published and counted', async () => {
    const t = await tap()
    const recorder = t.begin()
    recorder.onCommit(true)
    // Split across chunks where a frame does not end: the accumulator carries the rest.
    const bytes = Buffer.from(STREAM.join(''))
    recorder.onChunk(bytes.subarray(0, 50))
    recorder.onChunk(bytes.subarray(50))
    t.advance(250)
    recorder.finish({ ...RESULT, isSse: true, bytes: bytes.length })
    expect(t.written).toHaveLength(1)
    expect(t.written[0]).toMatchObject({
      requestId: 'req-1',
      accountId: 'acct-1',
      keyId: 'key-1',
      nodeId: 'node-1',
      sessionId: 'sess-1',
      model: 'claude-test',
      inputTokens: 10,
      outputTokens: 4,
      costUsd: 18,
      pricedBy: 'table',
      durationMs: 250,
      ttfbMs: 12,
      bytes: bytes.length,
      partial: false,
    })
    expect(t.metrics).toEqual({ opened: 1, closed: 1, finished: ['alpha'] })
    expect(t.published).toMatchObject([
      { type: 'request', accountId: 'acct-1', data: { status: 200, duration_ms: 250 } },
    ])
  })

  it('keeps the requested model beside the mapped one, priced by the upstream model (docs/contract.md §13)', async () => {
    // The stream names the upstream id (claude-test, priced); the client asked for another.
    const t = await tap()
    const recorder = t.begin('claude-requested')
    recorder.onCommit(true)
    recorder.onChunk(Buffer.from(STREAM.join('')))
    expect(recorder.complete).toBe(true)
    recorder.finish({ ...RESULT, isSse: true, upstreamModel: 'claude-test' })
    expect(t.written[0]).toMatchObject({
      model: 'claude-requested',
      upstreamModel: 'claude-test',
      costUsd: 18,
    })
    // An upstream model without a price: the requested model's price applies.
    const u = await tap()
    const other = u.begin('claude-test')
    other.onCommit(true)
    other.onChunk(Buffer.from(STREAM[0] as string))
    expect(other.complete).toBe(false)
    other.finish({ ...RESULT, isSse: true, upstreamModel: 'relay-unpriced' })
    expect(u.written[0]).toMatchObject({
      model: 'claude-test',
      upstreamModel: 'relay-unpriced',
      costUsd: 12,
    })
  })

  it('parses a plain answer once, at the end', async () => {
    const t = await tap()
    const recorder = t.begin()
    recorder.onCommit(false)
    const body = JSON.stringify({
      model: 'claude-test',
      usage: { input_tokens: 3, output_tokens: 2 },
    })
    recorder.onChunk(Buffer.from(body.slice(0, 10)))
    recorder.onChunk(Buffer.from(body.slice(10)))
    recorder.finish(RESULT)
    expect(t.written[0]).toMatchObject({ model: 'claude-test', inputTokens: 3, outputTokens: 2 })
    expect(t.metrics.opened).toBe(0)
  })

  it('keeps the requested model and no tokens when nothing was committed', async () => {
    const t = await tap()
    t.begin('claude-requested').finish({ ...RESULT, status: 502, nodeId: null, attempts: 3 })
    expect(t.written[0]).toMatchObject({
      model: 'claude-requested',
      status: 502,
      nodeId: null,
      attempts: 3,
      inputTokens: 0,
      costUsd: 0,
    })
    expect(t.metrics.finished).toEqual([undefined])
  })

  it("notices the upstream's error event, for the data path's report", async () => {
    const t = await tap()
    const recorder = t.begin()
    recorder.onCommit(true)
    expect(recorder.sawErrorEvent).toBe(false)
    recorder.onChunk(
      Buffer.from(
        STREAM[0] +
          formatSseFrame('error', {
            type: 'error',
            error: { type: 'overloaded_error', message: 'x' },
          }),
      ),
    )
    expect(recorder.sawErrorEvent).toBe(true)
    expect(recorder.errorType).toBe('overloaded_error')
  })

  it('feeds the limit windows before the batched write, and records a refusal with its reason', async () => {
    const t = await tap()
    const recorder = t.begin('claude-test', true)
    recorder.onCommit(true)
    recorder.onChunk(Buffer.from(STREAM.join('')))
    t.advance(100)
    recorder.finish({ ...RESULT, isSse: true })
    // Counted with the event's cost, while nothing was written yet.
    expect(t.counted).toEqual([{ tokens: 14, costUsd: 18, at: 10_100, written: 0 }])

    const refused = t.begin('claude-test', true)
    refused.finish({
      ...RESULT,
      status: 429,
      nodeId: null,
      attempts: 0,
      refusal: 'key rpm limit 1 reached',
    })
    expect(t.counted).toHaveLength(1)
    expect(t.written[1]).toMatchObject({
      status: 429,
      attempts: 0,
      inputTokens: 0,
      costUsd: 0,
      refusal: 'key rpm limit 1 reached',
    })
    expect(t.written[0]).not.toHaveProperty('refusal')
  })

  it('records how each request was priced: family, default row, none (docs/contract.md §15)', async () => {
    const answer = (model: string) =>
      Buffer.from(JSON.stringify({ model, usage: { input_tokens: 1, output_tokens: 1 } }))
    const run = async (rows: readonly ModelPrice[], model: string) => {
      const t = await tap(rows)
      const recorder = t.begin(model)
      recorder.onCommit(false)
      recorder.onChunk(answer(model))
      recorder.finish(RESULT)
      return t.written[0]
    }
    // claude-test-9 is of the family of claude-test, its only (so newest) priced model.
    expect(await run([PRICE], 'claude-test-9')).toMatchObject({ pricedBy: 'family', costUsd: 3 })
    const star = { ...PRICE, model: '*', inputPerMTok: 5_000_000, outputPerMTok: 0 }
    expect(await run([PRICE, star], 'relay-x')).toMatchObject({ pricedBy: 'default', costUsd: 5 })
    expect(await run([PRICE], 'relay-x')).toMatchObject({ pricedBy: 'none', costUsd: 0 })
    // A request that named no model (GET /v1/models) has nothing to price.
    const t = await tap()
    const info = { requestId: 'r', accountId: 'a', keyId: 'k', sessionId: undefined }
    t.usage.begin({ ...info, model: undefined, route: '/v1/models', startedAt: 0 }).finish(RESULT)
    expect(t.written[0]).toMatchObject({ model: 'unknown', pricedBy: null })
  })
})
