import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sampleStream } from '../test-support/sse'
import { createUsageAccumulator } from './accumulator'
import type { Usage } from './types'

const bytes = (s: string) => new TextEncoder().encode(s)

function run(chunks: (Uint8Array | string)[]): Usage {
  const acc = createUsageAccumulator()
  for (const c of chunks) acc.push(c)
  return { ...acc.end() }
}

const full: Partial<Usage> = {
  model: 'claude-sonnet-5-5',
  messageId: 'msg_01',
  inputTokens: 1200,
  outputTokens: 42,
  cacheCreationInputTokens: 300,
  cacheCreation5mTokens: 100,
  cacheCreation1hTokens: 200,
  cacheReadInputTokens: 5000,
  stopReason: 'end_turn',
  sawError: false,
  firstEventType: 'message_start',
  complete: true,
}

describe('createUsageAccumulator', () => {
  it('reads a whole stream; message_delta totals replace, never add', () => {
    expect(run([bytes(sampleStream())])).toMatchObject(full)
  })
  it('handles CRLF endings, string chunks and missing event lines', () => {
    expect(run([sampleStream({ eol: '\r\n' })])).toMatchObject(full)
    expect(run([bytes(sampleStream({ noEventLines: true }))])).toMatchObject(full)
  })
  it('splits inside multi-byte characters, one byte at a time', () => {
    const b = bytes(sampleStream())
    expect(run(Array.from(b, (x) => Uint8Array.of(x)))).toMatchObject(full)
  })
  it('keeps what a cut stream showed', () => {
    const u = run([bytes(sampleStream({ cut: true }))])
    expect(u).toMatchObject({
      inputTokens: 1200,
      outputTokens: 15,
      stopReason: null,
      complete: false,
    })
  })
  it('records an error event', () => {
    const acc = createUsageAccumulator()
    acc.push(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    )
    expect(acc.usage).toMatchObject({
      sawError: true,
      errorType: 'overloaded_error',
      firstEventType: 'error',
    })
  })
  it('ignores junk data and pushes after end', () => {
    const acc = createUsageAccumulator()
    acc.push('event: message_start\ndata: {not json\n\n')
    acc.push('event: message_delta\ndata: 42\n\n')
    acc.push('data: plain\n\n')
    acc.push(': comment\n\n')
    acc.end()
    acc.push(bytes(sampleStream()))
    expect(acc.usage).toMatchObject({
      inputTokens: 0,
      model: null,
      firstEventType: 'message_start',
    })
  })
  it('stops parsing past maxEventChars and keeps the usage so far (S9)', () => {
    const acc = createUsageAccumulator({ maxEventChars: 1024 })
    acc.push(sampleStream({ cut: true }))
    acc.push(`data: ${'x'.repeat(5000)}`)
    acc.push(
      '\n\nevent: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":999}}\n\n',
    )
    expect(acc.overflowed).toBe(true)
    expect(acc.end().outputTokens).toBe(15)
  })
  it('gives the same totals however the stream is split (property)', () => {
    const b = bytes(sampleStream())
    const expected = run([b])
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: b.length - 1 }), { maxLength: 40 }),
        (cuts) => {
          const points = [0, ...cuts.sort((x, y) => x - y), b.length]
          const chunks = points.slice(1).map((end, i) => b.subarray(points[i], end))
          expect(run(chunks)).toEqual(expected)
        },
      ),
      { numRuns: 500 },
    )
  })
})
