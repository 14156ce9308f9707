import { describe, expect, it } from 'vitest'
import { formatSseFrame, parseSseFrames } from './sse'

describe('formatSseFrame', () => {
  it('writes event and data lines and a blank line', () => {
    expect(formatSseFrame('ping', { type: 'ping' })).toBe('event: ping\ndata: {"type":"ping"}\n\n')
  })
})

describe('parseSseFrames', () => {
  it('round-trips formatted frames', () => {
    const text = formatSseFrame('a', { n: 1 }) + formatSseFrame('b', { n: 2 })
    expect(parseSseFrames(text)).toEqual([
      { event: 'a', data: { n: 1 } },
      { event: 'b', data: { n: 2 } },
    ])
  })

  it('handles CRLF, comments, missing event and non-JSON data', () => {
    const text = ': keep-alive\r\n\r\ndata: hello\r\n\r\nevent: x\ndata: {"a":\ndata: 1}\n\n'
    expect(parseSseFrames(text)).toEqual([
      { event: 'message', data: 'hello' },
      { event: 'x', data: { a: 1 } },
    ])
  })

  it('ignores empty input and a trailing partial blank', () => {
    expect(parseSseFrames('')).toEqual([])
    expect(parseSseFrames('event: e\ndata: 1')).toEqual([{ event: 'e', data: 1 }])
  })
})
