import type { Readable } from 'node:stream'
import { FAKE_200_PREFIX } from '@qcc/core'

/** The first bytes of a plain (non-SSE) answer, read before the commit. */
export interface AnswerHead {
  /** Bytes read; they go to the client first once the answer is committed. */
  chunks: Buffer[]
  /** Up to {@link FAKE_200_PREFIX} bytes of them as text, for core's fake-200 check. */
  text: string
}

/** The plain answer's first bytes did not come in time. */
export class AnswerHeadTimeoutError extends Error {
  override name = 'AnswerHeadTimeoutError'
  readonly code = 'answer_head_timeout'
  readonly retryable = true
}

/**
 * Reads a plain 2xx answer until its first {@link FAKE_200_PREFIX} bytes (or its end) are in, so
 * core can tell a fake 200 (docs/contract.md §13) before anything goes to the client. A Messages
 * answer usually arrives in one chunk, so this is one read; a large answer is never buffered
 * whole. The body is left paused with no listeners, as `readFirstEvent` leaves a stream.
 */
export function readAnswerHead(body: Readable, timeoutMs: number): Promise<AnswerHead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const timer = setTimeout(
      () => finish(new AnswerHeadTimeoutError('no answer body in time')),
      timeoutMs,
    )
    function finish(err: Error | null): void {
      clearTimeout(timer)
      body.off('data', onData)
      body.off('end', onEnd)
      body.off('error', onError)
      body.pause()
      if (err) return reject(err)
      const head = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
      resolve({ chunks, text: head.toString('latin1', 0, Math.min(head.length, FAKE_200_PREFIX)) })
    }
    function onData(chunk: Buffer): void {
      chunks.push(chunk)
      size += chunk.length
      if (size >= FAKE_200_PREFIX) finish(null)
    }
    const onEnd = () => finish(null)
    const onError = (err: Error) => finish(err)
    body.on('data', onData)
    body.on('end', onEnd)
    body.on('error', onError)
  })
}
