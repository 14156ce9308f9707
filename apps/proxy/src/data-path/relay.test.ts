import { request } from 'node:http'
import { PassThrough, type Readable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { bodyOf, serve } from '../../test/data-path-fakes'
import { Cancellation } from './cancellation'
import { MalformedStreamError, relayBody, type RelayEnd, type RelayOptions } from './relay'

let stop: (() => Promise<void>) | undefined
afterEach(async () => {
  await stop?.()
  stop = undefined
})

const FRAME = (n: number) => `event: content_block_delta\ndata: {"n":${n}}\n\n`

/**
 * Relays `body` as the answer of a real request; `received` is what the client got, `end` how
 * the relay ended. `onFirstBytes` runs once the client has seen the first bytes, `onBytes` on
 * every read.
 */
async function relay(
  body: Readable,
  options: RelayOptions = {},
  onFirstBytes?: () => void,
  onBytes?: () => void,
) {
  let ended: (end: RelayEnd) => void = () => {}
  const end = new Promise<RelayEnd>((resolve) => (ended = resolve))
  const server = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    void relayBody(body, res, options).then(ended)
  })
  stop = server.close
  const received = new Promise<string>((resolve) => {
    const req = request(server.url, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => {
        if (text === '') onFirstBytes?.()
        text += chunk.toString()
        onBytes?.()
      })
      res.on('end', () => resolve(text))
      res.on('error', () => resolve(text))
    })
    req.end()
  })
  return { end, received }
}

describe('relayBody', () => {
  it('forwards every byte in order, showing each to onChunk, and ends complete', async () => {
    const seen: string[] = []
    const { end, received } = await relay(bodyOf(FRAME(1), FRAME(2), FRAME(3)), {
      onChunk: (chunk) => {
        seen.push(chunk.toString())
        return true
      },
    })
    expect(await received).toBe(FRAME(1) + FRAME(2) + FRAME(3))
    expect(seen.join('')).toBe(FRAME(1) + FRAME(2) + FRAME(3))
    expect(await end).toEqual({ kind: 'complete' })
  })

  it('ends a stream onChunk refuses as malformed, its error frame after a whole frame', async () => {
    const body = new PassThrough()
    body.write('event: content_block_delta\ndata: {"n"')
    let calls = 0
    const { end, received } = await relay(
      body,
      { onChunk: () => ++calls === 1, errorFrame: () => 'event: error\ndata: {}\n\n' },
      () => body.write(':1}\n\nevent: huge\ndata: {'),
    )
    expect(await received).toBe(
      'event: content_block_delta\ndata: {"n"\n\nevent: error\ndata: {}\n\n',
    )
    const got = await end
    expect(got.kind).toBe('upstream_failed')
    if (got.kind === 'upstream_failed') expect(got.error).toBeInstanceOf(MalformedStreamError)
    expect(body.destroyed).toBe(true)
  })

  it("ends at the server's stop with the shutdown frame", async () => {
    const body = new PassThrough()
    const stopSignal = new Cancellation()
    body.write(FRAME(1))
    const { end, received } = await relay(
      body,
      { stop: stopSignal, errorFrame: (cause) => `event: error\ndata: "${cause}"\n\n` },
      () => stopSignal.abort(),
    )
    expect(await received).toBe(`${FRAME(1)}event: error\ndata: "shutdown"\n\n`)
    expect(await end).toEqual({ kind: 'stopped' })
    expect(body.destroyed).toBe(true)
  })

  it('pings a silent stream between frames, never inside one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    try {
      const body = new PassThrough()
      body.write('event: content_block_delta\ndata: {"n"')
      // Each step runs when the client has received the bytes of the one before.
      const steps = [
        () => {
          // Silent inside a frame: no ping may cut it.
          vi.advanceTimersByTime(100)
          body.write(':1}\n\n')
        },
        // Silent after a whole frame: a ping goes out.
        () => vi.advanceTimersByTime(25),
        () => body.end(FRAME(2)),
      ]
      const { received } = await relay(body, { keepaliveMs: 20 }, undefined, () =>
        steps.shift()?.(),
      )
      const text = await received
      expect(text).toBe(
        'event: content_block_delta\ndata: {"n":1}\n\n' +
          'event: ping\ndata: {"type": "ping"}\n\n' +
          FRAME(2),
      )
    } finally {
      vi.useRealTimers()
    }
  })

  it('drops the upstream when the client goes away', async () => {
    const body = new PassThrough()
    body.write(FRAME(1))
    let ended: (end: RelayEnd) => void = () => {}
    const end = new Promise<RelayEnd>((resolve) => (ended = resolve))
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      void relayBody(body, res, {}).then(ended)
    })
    stop = server.close
    const req = request(server.url, (res) => res.once('data', () => req.destroy()))
    req.on('error', () => {})
    req.end()
    expect(await end).toEqual({ kind: 'client_closed' })
    expect(body.destroyed).toBe(true)
  })
})
