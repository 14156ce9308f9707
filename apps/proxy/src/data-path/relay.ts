import type { ServerResponse } from 'node:http'
import type { Readable } from 'node:stream'
import type { Cancellation } from './cancellation'
import type { StreamRewriter } from './error-frame-redactor'

/** How a committed body ended. */
export type RelayEnd =
  | { kind: 'complete' }
  | { kind: 'upstream_failed'; error: Error }
  | { kind: 'client_closed' }
  /** Ended by the server's shutdown, not by either side. */
  | { kind: 'stopped' }

/** The upstream stream broke its framing or limits; it is ended, never forwarded further. */
export class MalformedStreamError extends Error {
  override name = 'MalformedStreamError'
  readonly code = 'malformed_stream'
  readonly retryable = false
}

export interface RelayOptions {
  /**
   * Sees every byte forwarded, in order (the usage tap). Must not hold on to the chunk. Returning
   * false ends the stream as malformed (e.g. an event larger than the parser's cap).
   */
  onChunk?: (chunk: Buffer) => boolean
  /** For SSE: after this much upstream silence, a `ping` frame keeps clients and middleboxes awake. */
  keepaliveMs?: number
  /** Called on a committed stream's failure when no error frame has been forwarded yet. */
  errorFrame?: (cause: 'upstream_failed' | 'shutdown') => string | undefined
  /** Aborted when the process must stop (drain deadline): the stream ends with an error frame. */
  stop?: Cancellation
  /** Rewrites what goes to the client after `onChunk` saw the original (error-frame redaction). */
  rewrite?: StreamRewriter
  /**
   * Asked when the upstream body ends, after `onChunk` saw all of it: a frame to send before the
   * end (a stream that ended without `message_stop`), or undefined.
   */
  endFrame?: () => string | undefined
}

const PING_FRAME = 'event: ping\ndata: {"type": "ping"}\n\n'
const FRAME_END = Buffer.from('\n\n')

/**
 * Forwards an upstream body to the client as it arrives: no buffering beyond the socket's own,
 * backpressure respected, keepalive pings only between whole frames.
 */
export function relayBody(
  body: Readable,
  res: ServerResponse,
  options: RelayOptions,
): Promise<RelayEnd> {
  const { onChunk, keepaliveMs, errorFrame, stop, rewrite, endFrame } = options
  return new Promise((resolve) => {
    let done = false
    let atFrameBoundary = true
    let keepalive: NodeJS.Timeout | undefined
    // Set once listening starts; finish may run before that (an early end or stop).
    let stopListening: (() => void) | undefined = undefined
    // Upstream traffic only stamps the time; the timer checks the stamp when it fires. Moving a
    // timer on every chunk (`refresh()`) costs more than the rest of forwarding the chunk.
    let lastTrafficAt = Date.now()
    const armKeepalive = () => {
      if (!keepaliveMs) return
      keepalive = setTimeout(function ping() {
        const silentFor = Date.now() - lastTrafficAt
        if (silentFor < keepaliveMs) {
          keepalive = setTimeout(ping, keepaliveMs - silentFor)
          return
        }
        // Never split a frame: a ping goes out only after a blank line.
        if (atFrameBoundary && !res.writableEnded) res.write(PING_FRAME)
        lastTrafficAt = Date.now()
        keepalive = setTimeout(ping, keepaliveMs)
      }, keepaliveMs)
    }
    const finish = (end: RelayEnd) => {
      if (done) return
      done = true
      if (keepalive) clearTimeout(keepalive)
      body.off('data', onData)
      body.off('end', onEnd)
      body.off('error', onError)
      // A body we destroyed may still report its abort; nobody is listening for it any more.
      body.on('error', () => {})
      res.off('close', onClose)
      res.off('drain', onDrain)
      stopListening?.()
      resolve(end)
    }
    // Chunks that arrive together (one socket read often holds many SSE events) are written as
    // one: a response write costs a chunk header and a stream entry each, so 26 deltas written
    // one by one cost more than the rest of relaying them. Flushed on the next tick at the
    // latest, so nothing is held back.
    let pending: Buffer[] = []
    let flushQueued = false
    const takePending = (): Buffer | undefined => {
      if (pending.length === 0) return undefined
      const read = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending)
      pending = []
      if (onChunk && !onChunk(read)) {
        body.destroy()
        onError(new MalformedStreamError('the upstream stream is malformed (event too large)'))
        return undefined
      }
      const data = rewrite ? rewrite.push(read) : read
      // All of it held back (part of an error frame): nothing to write, the boundary stays.
      if (data.length === 0) return undefined
      const n = data.length
      atFrameBoundary = n >= 2 && data[n - 1] === 0x0a && data[n - 2] === 0x0a
      if (keepaliveMs) lastTrafficAt = Date.now()
      return data
    }
    const flush = (): void => {
      flushQueued = false
      if (done) return
      const data = takePending()
      if (data && !res.write(data)) body.pause()
    }
    function onData(chunk: Buffer): void {
      pending.push(chunk)
      if (!flushQueued) {
        flushQueued = true
        process.nextTick(flush)
      }
    }
    const onDrain = () => body.resume()
    const held = (data: Buffer | undefined): Buffer | undefined => {
      const rest = rewrite?.end()
      if (!rest || rest.length === 0) return data
      return data ? Buffer.concat([data, rest]) : rest
    }
    const onEnd = () => {
      const data = held(takePending())
      if (done) return
      const frame = endFrame?.()
      if (frame !== undefined) {
        if (data) res.write(data)
        const boundary = data
          ? data.length >= 2 && data.subarray(-2).equals(FRAME_END)
          : atFrameBoundary
        res.end(boundary ? frame : `\n\n${frame}`)
      } else if (data) res.end(data)
      else res.end()
      finish({ kind: 'complete' })
    }
    const onError = (error: Error) => {
      if (done) return
      // What arrived before the failure still goes out, ahead of the error frame.
      const data = held(takePending())
      if (done) return
      if (data) res.write(data)
      const frame = errorFrame?.('upstream_failed')
      if (frame && !res.writableEnded) res.end(atFrameBoundary ? frame : `\n\n${frame}`)
      else res.end()
      finish({ kind: 'upstream_failed', error })
    }
    const onStop = () => {
      pending = []
      const frame = errorFrame?.('shutdown')
      if (frame && !res.writableEnded) res.end(atFrameBoundary ? frame : `\n\n${frame}`)
      else res.end()
      body.destroy()
      finish({ kind: 'stopped' })
    }
    const onClose = () => {
      if (res.writableFinished) return
      body.destroy()
      finish({ kind: 'client_closed' })
    }
    body.on('data', onData)
    body.on('end', onEnd)
    body.on('error', onError)
    res.on('drain', onDrain)
    res.on('close', onClose)
    if (stop?.aborted) return onStop()
    // The whole body may have arrived (and ended) while the first event was being read.
    if (body.readableEnded) return onEnd()
    stopListening = stop?.onAbort(onStop)
    armKeepalive()
    body.resume()
  })
}
