import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { parseSseFrames } from '@qcc/testing'
import { eventually, startPool, type TestPool } from './pool'
import { anthropicStream, frame, sleep, startRawUpstream, type RawUpstream } from './raw-upstream'
import { MESSAGE_BODY } from './start-qcc'

let pool: TestPool | undefined
let raw: RawUpstream | undefined
afterEach(async () => {
  await pool?.close()
  await raw?.close()
  pool = raw = undefined
})

const STREAM = { ...MESSAGE_BODY, stream: true }
const health = (p: TestPool, name: string) => p.qcc.health.get(p.nodes[name]?.id ?? '')?.health

async function withRaw(
  env: Record<string, string> = {},
): Promise<{ pool: TestPool; raw: RawUpstream }> {
  raw = await startRawUpstream()
  pool = await startPool([{ name: 'raw', weight: 1, baseUrl: raw.url }], env)
  return { pool, raw }
}

async function lastUsage(p: TestPool) {
  await p.qcc.store.usageWriter.flush()
  const [event] = await p.qcc.store.usageLogs({ limit: 1 })
  return event
}

function sseHead(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_raw' })
}

describe('reliability: streaming (reliability.md 5.2)', () => {
  it('S1: bytes arrive identical: random chunking, split UTF-8, CRLF, 500 events', async () => {
    const { pool, raw } = await withRaw()
    const payload = Buffer.from(anthropicStream(500, 'héllo 世界 🚀', '\r\n'))
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    raw.handler = async (_req, res) => {
      sseHead(res)
      for (let at = 0; at < payload.length;) {
        const n = 1 + Math.floor(rand() * 700)
        res.write(payload.subarray(at, at + n))
        at += n
        if (rand() < 0.05) await sleep(1)
      }
      res.end()
    }
    const res = await pool.post(STREAM)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    expect(res.headers.get('content-length')).toBeNull()
    expect(Buffer.from(await res.arrayBuffer()).equals(payload)).toBe(true)
    const usage = await lastUsage(pool)
    expect(usage).toMatchObject({
      inputTokens: 11,
      outputTokens: 500,
      cacheReadInputTokens: 3,
      partial: false,
    })
  })

  it('S2: a reset mid-stream ends with one error frame; no retry; partial usage kept', async () => {
    const { pool, raw } = await withRaw()
    let calls = 0
    raw.handler = (_req, res) => {
      calls++
      sseHead(res)
      const events = anthropicStream(40).split('\n\n').filter(Boolean)
      res.write(events.slice(0, 23).join('\n\n') + '\n\n')
      setTimeout(() => res.socket?.destroy(), 20)
    }
    const frames = parseSseFrames(await (await pool.post(STREAM)).text())
    expect(frames.filter((f) => f.event === 'content_block_delta')).toHaveLength(20)
    expect(frames.filter((f) => f.event === 'error')).toHaveLength(1)
    expect(frames.at(-1)?.event).toBe('error')
    expect(calls).toBe(1)
    expect(health(pool, 'raw')?.consecutiveFailures).toBe(1)
    expect(await lastUsage(pool)).toMatchObject({ inputTokens: 11, partial: true })
  })

  it('S3: an overloaded `event: error` mid-stream is forwarded once, not retried, and cools the node', async () => {
    const { pool, raw } = await withRaw()
    let calls = 0
    raw.handler = (_req, res) => {
      calls++
      sseHead(res)
      const events = anthropicStream(40).split('\n\n').filter(Boolean)
      res.write(events.slice(0, 13).join('\n\n') + '\n\n')
      res.end(
        frame('error', {
          type: 'error',
          error: { type: 'overloaded_error', message: 'Overloaded' },
        }),
      )
    }
    const frames = parseSseFrames(await (await pool.post(STREAM)).text())
    const errors = frames.filter((f) => f.event === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.data).toMatchObject({
      error: { type: 'overloaded_error', message: 'Overloaded' },
    })
    expect(calls).toBe(1)
    expect(health(pool, 'raw')?.status).toBe('cooling')
    expect(await lastUsage(pool)).toMatchObject({ inputTokens: 11 })
  })

  it('S4: an error as the very first event fails over (headers are held until the first event)', async () => {
    pool = await startPool([
      { name: 'a', weight: 1 },
      { name: 'b', weight: 2 },
    ])
    pool.nodes.a?.upstream.enqueue({
      kind: 'sse-error',
      afterEvents: 0,
      errorType: 'overloaded_error',
    })
    const res = await pool.post(STREAM)
    expect(res.headers.get('x-qcc-node')).toBe('b')
    expect(parseSseFrames(await res.text()).some((f) => f.event === 'error')).toBe(false)
  })

  it('S5: a client that leaves aborts the upstream call, with no node penalty; usage so far kept', async () => {
    const { pool, raw } = await withRaw()
    raw.handler = async (_req, res) => {
      sseHead(res)
      const events = anthropicStream(60).split('\n\n').filter(Boolean)
      for (const e of events) {
        if (res.destroyed) return
        res.write(`${e}\n\n`)
        await sleep(50)
      }
      res.end()
    }
    const controller = new AbortController()
    const res = await pool.post(STREAM, {})
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    let text = ''
    while ((text.match(/content_block_delta/g) ?? []).length < 5) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
    controller.abort()
    await reader.cancel()
    await eventually(() => raw.aborted === 1, 2000)
    expect(health(pool, 'raw')?.consecutiveFailures).toBe(0)
    await eventually(async () => (await lastUsage(pool))?.partial === true, 3000)
    expect(await lastUsage(pool)).toMatchObject({ inputTokens: 11, partial: true })
  })

  it('S6: a stalled stream is ended after the idle timeout with one error frame; the node counts it', async () => {
    const { pool, raw } = await withRaw({ PROXY_STREAM_IDLE_TIMEOUT_SEC: '1' })
    raw.handler = (_req, res) => {
      sseHead(res)
      res.write(anthropicStream(3).split('\n\n').slice(0, 3).join('\n\n') + '\n\n')
    }
    const started = Date.now()
    const frames = parseSseFrames(await (await pool.post(STREAM)).text())
    expect(Date.now() - started).toBeLessThan(5000)
    expect(frames.filter((f) => f.event === 'error')).toHaveLength(1)
    expect(health(pool, 'raw')?.consecutiveFailures).toBe(1)
    expect(await lastUsage(pool)).toMatchObject({ partial: true })
  })

  it('S7: a long pause of upstream pings is not cut by the idle timeout', async () => {
    const { pool, raw } = await withRaw({
      PROXY_STREAM_IDLE_TIMEOUT_SEC: '1',
      PROXY_STREAM_KEEPALIVE_SEC: '1',
    })
    const events = anthropicStream(2)
      .split('\n\n')
      .filter(Boolean)
      .map((e) => `${e}\n\n`)
    raw.handler = async (_req, res) => {
      sseHead(res)
      res.write(events[0] ?? '')
      for (let i = 0; i < 8; i++) {
        await sleep(300)
        res.write(frame('ping', { type: 'ping' }))
      }
      res.write(events.slice(1).join(''))
      res.end()
    }
    const frames = parseSseFrames(await (await pool.post(STREAM)).text())
    expect(frames.filter((f) => f.event === 'ping').length).toBeGreaterThanOrEqual(8)
    expect(frames.at(-1)?.event).toBe('message_stop')
  })

  it('S7: a silent upstream gets keepalive pings from the proxy, between whole frames', async () => {
    const { pool, raw } = await withRaw({ PROXY_STREAM_KEEPALIVE_SEC: '1' })
    const events = anthropicStream(2)
      .split('\n\n')
      .filter(Boolean)
      .map((e) => `${e}\n\n`)
    raw.handler = async (_req, res) => {
      sseHead(res)
      res.write(events[0] ?? '')
      await sleep(2300)
      res.write(events.slice(1).join(''))
      res.end()
    }
    const frames = parseSseFrames(await (await pool.post(STREAM)).text())
    expect(frames[0]?.event).toBe('message_start')
    expect(frames[1]).toEqual({ event: 'ping', data: { type: 'ping' } })
    expect(frames.at(-1)?.event).toBe('message_stop')
  })

  it('S1: a whole stream written at once (ended before the first event is read) still ends', async () => {
    const { pool, raw } = await withRaw()
    raw.handler = (_req, res) => {
      sseHead(res)
      res.end(anthropicStream(3))
    }
    for (let i = 0; i < 3; i++) {
      const text = await (await pool.post(STREAM)).text()
      expect(text).toBe(anthropicStream(3))
    }
  })

  it('S8: a 2 MB JSON answer arrives intact with its usage recorded', async () => {
    const { pool, raw } = await withRaw()
    const body = JSON.stringify({
      id: 'msg_big',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text: 'x'.repeat(2 * 1024 * 1024) }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 7, output_tokens: 9 },
    })
    raw.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(body)
    }
    const res = await pool.post(MESSAGE_BODY)
    expect(await res.text()).toBe(body)
    expect(await lastUsage(pool)).toMatchObject({ inputTokens: 7, outputTokens: 9, partial: false })
  })

  it('S9: an oversized event trips the parser cap: the stream ends with an error, memory stays bounded', async () => {
    const { pool, raw } = await withRaw()
    raw.handler = async (_req, res) => {
      sseHead(res)
      res.write(anthropicStream(1).split('\n\n')[0] + '\n\n')
      res.write('event: content_block_delta\ndata: "')
      const chunk = 'y'.repeat(1024 * 1024)
      for (let i = 0; i < 12 && !res.destroyed; i++) {
        res.write(chunk)
        await sleep(5)
      }
      res.end()
    }
    const text = await (await pool.post(STREAM)).text()
    expect(text.length).toBeLessThan(12 * 1024 * 1024)
    expect(text.endsWith('\n\n')).toBe(true)
    expect(parseSseFrames(text).at(-1)?.event).toBe('error')
    expect(process.memoryUsage().rss).toBeLessThan(1024 * 1024 * 1024)
    raw.handler = (_req, res) => {
      sseHead(res)
      res.end(anthropicStream(2))
    }
    expect(parseSseFrames(await (await pool.post(STREAM)).text()).at(-1)?.event).toBe(
      'message_stop',
    )
  })
})
