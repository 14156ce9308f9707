import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { FirstEventTimeoutError, readFirstEvent } from './sse-first-event'

function body(chunks: string[], end = false): PassThrough {
  const stream = new PassThrough()
  for (const c of chunks) stream.write(Buffer.from(c))
  if (end) stream.end()
  return stream
}

describe('readFirstEvent', () => {
  it('reads the first frame and keeps every byte read, however much arrived with it', async () => {
    const text = 'event: message_start\ndata: {"type":"message_start"}\n\nevent: ping\ndata: {}\n\n'
    const first = await readFirstEvent(body([text]), 1000)
    expect(first).toMatchObject({ event: 'message_start', data: '{"type":"message_start"}' })
    expect(Buffer.concat(first.chunks).toString()).toBe(text)
    expect(first.ended).toBe(false)
  })

  it('finds a frame end split across chunks, with CRLF and mixed line ends', async () => {
    const a = await readFirstEvent(body(['event: error\r\ndata: {"x":"é', '"}\r\n', '\r\n']), 1000)
    expect(a).toMatchObject({ event: 'error', data: '{"x":"é"}' })
    const b = await readFirstEvent(body(['data: one\ndata: two\n\r\nevent: later\n\n']), 1000)
    expect(b).toMatchObject({ event: 'message', data: 'one\ntwo' })
    const c = await readFirstEvent(body(['event: ping\rdata: {}\r\r']), 1000)
    expect(c).toMatchObject({ event: 'ping', data: '{}' })
  })

  it('reports a body that ended before a whole frame, and one that stays silent', async () => {
    const ended = await readFirstEvent(body(['event: message_start\n'], true), 1000)
    expect(ended).toMatchObject({ event: undefined, ended: true })
    await expect(readFirstEvent(body([]), 20)).rejects.toBeInstanceOf(FirstEventTimeoutError)
  })
})
