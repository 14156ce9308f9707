import type { Readable } from 'node:stream'
import { FAKE_200_PREFIX } from '@qcc/core'
import { readUntil } from './read-until'

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
export function readAnswerHead(
  body: Readable,
  timeoutMs: number,
  /** The answer's `content-length`, when it sent one. */
  declaredLength?: number,
): Promise<AnswerHead> {
  // Usually the answer's bytes came with its headers and wait in the stream's buffer: taken
  // at once, without a timer or listeners (a paused stream's `read()` hands over all it holds).
  const enough = Math.min(FAKE_200_PREFIX, declaredLength ?? FAKE_200_PREFIX)
  if (enough > 0 && body.readableLength >= enough) {
    const chunk = body.read() as Buffer | null
    if (chunk !== null) return Promise.resolve({ chunks: [chunk], text: headText(chunk) })
  }
  const chunks: Buffer[] = []
  let size = 0
  const timeout = () => new AnswerHeadTimeoutError('no answer body in time')
  return readUntil(body, timeoutMs, timeout, chunks, (chunk) => {
    size += chunk.length
    return size >= FAKE_200_PREFIX
  }).then(() => ({
    chunks,
    text: headText(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
  }))
}

const headText = (head: Buffer) =>
  head.toString('latin1', 0, Math.min(head.length, FAKE_200_PREFIX))
