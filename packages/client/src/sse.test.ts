import { describe, it, expect } from 'vitest'
import { CRLF_STREAM, ERROR_STREAM, TEXT_STREAM, TOOL_STREAM } from '../test/fixtures'
import { createMessageAccumulator } from './accumulate'
import { APIError, OverloadedError, StreamFormatError } from './errors'
import { createSseDecoder, frameToEvent, type SseFrame } from './sse'

function decode(chunks: Uint8Array[]): SseFrame[] {
  const frames: SseFrame[] = []
  const decoder = createSseDecoder((f) => frames.push(f))
  for (const chunk of chunks) decoder.push(chunk)
  decoder.end()
  return frames
}

const fixtures = { TEXT_STREAM, TOOL_STREAM, ERROR_STREAM, CRLF_STREAM }

describe('createSseDecoder', () => {
  for (const [name, text] of Object.entries(fixtures)) {
    const bytes = new TextEncoder().encode(text)
    const whole = decode([bytes])

    it(`${name}: same frames when split at every byte boundary`, () => {
      expect(bytes.length).toBeGreaterThan(text.length) // multi-byte characters are present
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole)
      }
    })

    it(`${name}: same frames fed one byte at a time and in three uneven pieces`, () => {
      const single = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1))
      expect(decode(single)).toEqual(whole)
      for (let a = 1; a < bytes.length; a += 7) {
        const b = Math.min(bytes.length, a + 13)
        expect(decode([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)])).toEqual(
          whole,
        )
      }
    })
  }

  it('decodes CRLF streams and skips comments', () => {
    const lf = decode([new TextEncoder().encode(TEXT_STREAM)])
    expect(decode([new TextEncoder().encode(CRLF_STREAM)])).toEqual(lf)
  })

  it('delivers a last frame that lacks its blank line', () => {
    const frames = decode([
      new TextEncoder().encode('event: message_stop\ndata: {"type":"message_stop"}'),
    ])
    expect(frames).toEqual([{ event: 'message_stop', data: '{"type":"message_stop"}' }])
  })
})

describe('frameToEvent', () => {
  it('drops ping and returns typed events', () => {
    const events = decode([new TextEncoder().encode(TEXT_STREAM)]).map((f) => frameToEvent(f))
    expect(events.filter((e) => e === undefined)).toHaveLength(1)
    expect(events.map((e) => e && !(e instanceof APIError) && e.type).filter(Boolean)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
  })

  it('turns event: error into the typed error with the request id', () => {
    const frames = decode([new TextEncoder().encode(ERROR_STREAM)])
    const last = frames[frames.length - 1]
    expect(last?.event).toBe('error')
    const error = last && frameToEvent(last, { requestId: 'req_1' })
    expect(error).toBeInstanceOf(OverloadedError)
    expect(error).toMatchObject({
      status: undefined,
      type: 'overloaded_error',
      message: 'Overloaded',
      requestId: 'req_1',
      retryable: true,
    })
  })

  it('rejects data that is not JSON', () => {
    expect(() => frameToEvent({ event: 'message_start', data: '{oops' })).toThrow(StreamFormatError)
  })
})

describe('createMessageAccumulator', () => {
  const accumulate = (text: string) => {
    const acc = createMessageAccumulator()
    for (const frame of decode([new TextEncoder().encode(text)])) {
      const event = frameToEvent(frame)
      if (event && !(event instanceof APIError)) acc.apply(event)
    }
    return acc
  }

  it('joins text deltas and merges usage', () => {
    const acc = accumulate(TEXT_STREAM)
    expect(acc.done).toBe(true)
    expect(acc.message?.content).toEqual([
      { type: 'text', text: '你好，世界！ Grüße 👋🏽 e\u0301 𝄞' },
    ])
    expect(acc.message?.stop_reason).toBe('end_turn')
    expect(acc.message?.usage).toMatchObject({ input_tokens: 472, output_tokens: 15 })
  })

  it('joins thinking, keeps the signature and parses tool input', () => {
    const acc = accumulate(TOOL_STREAM)
    expect(acc.message?.content).toEqual([
      { type: 'thinking', thinking: 'Je réfléchis… ', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA' },
      {
        type: 'tool_use',
        id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
        name: 'Read',
        input: { file_path: '/tmp/ü.txt' },
      },
    ])
    expect(acc.message?.stop_reason).toBe('tool_use')
    expect(acc.message?.usage).toEqual({ input_tokens: 100, output_tokens: 89 })
  })

  it('rejects events before message_start', () => {
    const acc = createMessageAccumulator()
    expect(() => acc.apply({ type: 'content_block_stop', index: 0 })).toThrow(StreamFormatError)
  })
})
