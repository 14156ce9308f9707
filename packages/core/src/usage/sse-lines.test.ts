import { describe, expect, it } from 'vitest'
import { createSseLineSplitter } from './sse-lines'

const text = (b: Uint8Array, start: number, end: number) =>
  new TextDecoder().decode(b.subarray(start, end))

function split(chunks: string[]): string[] {
  const lines: string[] = []
  const splitter = createSseLineSplitter((b, s, e) => lines.push(text(b, s, e)))
  for (const c of chunks) splitter.push(new TextEncoder().encode(c))
  return lines
}

describe('createSseLineSplitter', () => {
  it('ends lines at LF, CRLF and CR, keeping empty lines', () => {
    expect(split(['a\nb\r\nc\rd\n\n'])).toEqual(['a', 'b', 'c', 'd', ''])
  })

  it('joins a line split across chunks, and a CRLF split between two chunks', () => {
    expect(split(['da', 'ta: x', 'y\r', '\nnext\r', 'more\n'])).toEqual([
      'data: xy',
      'next',
      'more',
    ])
  })

  it('holds an unterminated line and reports its size', () => {
    const lines: string[] = []
    const splitter = createSseLineSplitter((b, s, e) => lines.push(text(b, s, e)))
    splitter.push(new TextEncoder().encode('done\npartial'))
    expect(lines).toEqual(['done'])
    expect(splitter.pendingBytes).toBe(7)
    splitter.push(new TextEncoder().encode(' line\n'))
    expect(lines).toEqual(['done', 'partial line'])
    expect(splitter.pendingBytes).toBe(0)
  })

  it('does not keep a view of a chunk the caller may reuse', () => {
    const lines: string[] = []
    const splitter = createSseLineSplitter((b, s, e) => lines.push(text(b, s, e)))
    const chunk = new TextEncoder().encode('abc')
    splitter.push(chunk)
    chunk.fill(0x7a)
    splitter.push(new TextEncoder().encode('\n'))
    expect(lines).toEqual(['abc'])
  })
})
