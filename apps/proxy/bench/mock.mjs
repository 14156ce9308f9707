// Lean Anthropic-shaped upstream for the bench: a fixed JSON message, or an SSE stream of
// message_start, content_block_start, ping, N text deltas, content_block_stop, message_delta,
// message_stop. Kept tiny so the upstream costs little CPU next to the peers being measured
// (packages/testing's fake upstream records every request, which a throughput run can't afford).
// Per request: `x-mock-events` (N, default 20), `x-mock-delay-ms` (gap between events, default 0).
// Usage is fixed (input 12, output N + 1) so the hold test can check the store's totals exactly.
import http from 'node:http'
import { pathToFileURL } from 'node:url'

export const MOCK_INPUT_TOKENS = 12
export const MOCK_MODEL = 'claude-sonnet-4-5-20250929'

const sse = (event, data) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
const usage = (output) => ({
  input_tokens: MOCK_INPUT_TOKENS,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  output_tokens: output,
})

let seq = 0
const nextId = (prefix) => `${prefix}01bench${(seq++).toString(36).padStart(8, '0')}`

function message() {
  return JSON.stringify({
    id: nextId('msg_'),
    type: 'message',
    role: 'assistant',
    model: MOCK_MODEL,
    content: [{ type: 'text', text: 'Hello! This is the bench upstream.' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: usage(9),
  })
}

/** Every frame of one stream, built per request (ids differ, like the real API). */
export function streamFrames(n) {
  const frames = [
    sse('message_start', {
      type: 'message_start',
      message: {
        id: nextId('msg_'),
        type: 'message',
        role: 'assistant',
        model: MOCK_MODEL,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage(1),
      },
    }),
    sse('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
    sse('ping', { type: 'ping' }),
  ]
  for (let i = 0; i < n; i++) {
    const delta = { type: 'text_delta', text: i === 0 ? 'Hello' : ` tok${i}` }
    frames.push(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta }))
  }
  frames.push(sse('content_block_stop', { type: 'content_block_stop', index: 0 }))
  frames.push(
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: usage(n + 1),
    }),
  )
  frames.push(sse('message_stop', { type: 'message_stop' }))
  return frames
}

// Big bodies are scanned, not parsed: the mock must not be the bottleneck of the 200 KB test.
const STREAM_RE = /"stream"\s*:\s*true/

function stream(res, n, delayMs) {
  const frames = streamFrames(n)
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'request-id': nextId('req_'),
  })
  res.socket?.setNoDelay(true)
  if (delayMs <= 0) {
    // One write per frame, as a real upstream flushes them: the proxy sees separate events.
    for (const f of frames) res.write(f)
    res.end()
    return
  }
  let i = 0
  const timer = setInterval(() => {
    res.write(frames[i++])
    if (i === frames.length) {
      clearInterval(timer)
      res.end()
    }
  }, delayMs)
  res.on('close', () => clearInterval(timer))
}

function handle(req, res, stats) {
  stats.requests++
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const path = req.url ?? '/'
    if (req.method === 'GET' && path.startsWith('/__mock/stats')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify(stats))
    }
    if (req.method === 'GET' && path.startsWith('/v1/models')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ data: [], has_more: false, first_id: null, last_id: null }))
    }
    if (req.method !== 'POST' || !path.startsWith('/v1/messages')) {
      res.writeHead(404, { 'content-type': 'application/json' })
      return res.end('{"type":"error","error":{"type":"not_found_error","message":"no route"}}')
    }
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
    if (path.startsWith('/v1/messages/count_tokens')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(`{"input_tokens":${MOCK_INPUT_TOKENS}}`)
    }
    if (STREAM_RE.test(body.toString('latin1'))) {
      stats.streams++
      const n = Number(req.headers['x-mock-events'] ?? 20)
      return stream(res, n, Number(req.headers['x-mock-delay-ms'] ?? 0))
    }
    stats.messages++
    const text = message()
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'request-id': nextId('req_'),
    })
    res.end(text)
  })
}

/** Starts the mock on 127.0.0.1:`port` (0 = any); resolves with the bound port. */
export function startMock(port = 0) {
  const stats = { requests: 0, messages: 0, streams: 0 }
  const server = http.createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) =>
    handle(req, res, stats),
  )
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve({ server, port: server.address().port, stats })),
  )
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { port } = await startMock(Number(process.env.PORT ?? 0))
  // The parent reads the port from this line.
  process.stdout.write(`listening ${port}\n`)
}
