import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * A bare upstream for byte-level streaming tests: the test writes exactly the bytes, chunks and
 * pauses it wants, and can see when the proxy aborts its request.
 */
export interface RawUpstream {
  url: string
  /** Set per test: how to answer `POST /v1/messages`. */
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>
  /** Requests whose connection closed before the answer ended. */
  aborted: number
  close(): Promise<void>
}

export async function startRawUpstream(): Promise<RawUpstream> {
  const sockets = new Set<Socket>()
  const state: RawUpstream = {
    url: '',
    aborted: 0,
    handler: (_req, res) => void res.end(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
  const server = createServer((req, res) => {
    res.on('close', () => {
      if (!res.writableFinished) state.aborted++
    })
    req.resume()
    req.on('end', () => void state.handler(req, res))
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return state
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One SSE frame, with `\n` or `\r\n` line ends. */
export function frame(event: string, data: unknown, eol = '\n'): string {
  return `event: ${event}${eol}data: ${JSON.stringify(data)}${eol}${eol}`
}

/** A whole Anthropic stream with `deltas` text deltas (text may hold multi-byte characters). */
export function anthropicStream(deltas: number, text = 'héllo 世界 🚀', eol = '\n'): string {
  let out = frame(
    'message_start',
    {
      type: 'message_start',
      message: {
        id: 'msg_raw',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-6',
        content: [],
        stop_reason: null,
        usage: { input_tokens: 11, output_tokens: 1, cache_read_input_tokens: 3 },
      },
    },
    eol,
  )
  out += frame(
    'content_block_start',
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    eol,
  )
  for (let i = 0; i < deltas; i++) {
    if (i % 50 === 0) out += frame('ping', { type: 'ping' }, eol)
    out += frame(
      'content_block_delta',
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
      eol,
    )
  }
  out += frame('content_block_stop', { type: 'content_block_stop', index: 0 }, eol)
  out += frame(
    'message_delta',
    { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: deltas } },
    eol,
  )
  out += frame('message_stop', { type: 'message_stop' }, eol)
  return out
}
