import type { Readable } from 'node:stream'
import { readUntil } from './read-until'

/** The first complete SSE frame of an upstream stream, and every byte read so far. */
export interface FirstEvent {
  /** Bytes read while waiting; they go to the client first once the response is committed. */
  chunks: Buffer[]
  /** The `event:` name of the first frame (`message` when the frame names none). */
  event: string | undefined
  /** The `data:` payload of the first frame. */
  data: string | undefined
  /** The upstream body ended before a whole frame arrived. */
  ended: boolean
}

export class FirstEventTimeoutError extends Error {
  override name = 'FirstEventTimeoutError'
  readonly code = 'first_event_timeout'
  readonly retryable = true
}

// A blank line ends a frame; with mixed line ends it shows as one of these (CRLF CRLF contains
// the second, CRLF LF the first).
const FRAME_ENDS = [Buffer.from('\n\n'), Buffer.from('\n\r\n'), Buffer.from('\r\r')]

/** Where the first frame of `buf` ends (the index of its blank line), or -1. */
function firstFrameEnd(buf: Buffer): number {
  let end = -1
  for (const sep of FRAME_ENDS) {
    // Only the part before an end already found can hold an earlier one.
    const at = (end === -1 ? buf : buf.subarray(0, end + sep.length)).indexOf(sep)
    if (at !== -1 && (end === -1 || at < end)) end = at
  }
  return end
}

/**
 * Reads an SSE body until its first complete frame, without consuming more than it has to
 * buffer. The stream is left paused with no listeners, ready to be piped. Only the first frame's
 * bytes are decoded, however much of the stream arrived with it.
 */
export async function readFirstEvent(body: Readable, timeoutMs: number): Promise<FirstEvent> {
  const chunks: Buffer[] = []
  let frame: string | undefined
  const timeout = () => new FirstEventTimeoutError('no first event in time')
  const { ended } = await readUntil(body, timeoutMs, timeout, chunks, (chunk) => {
    // Frames are split only at line ends, which never fall inside a UTF-8 character.
    const seen = chunks.length === 1 ? chunk : Buffer.concat(chunks)
    const end = firstFrameEnd(seen)
    if (end !== -1) frame = seen.toString('utf8', 0, end)
    return end !== -1
  })
  const parsed = frame === undefined ? { event: undefined, data: undefined } : parseFrame(frame)
  return { chunks, ...parsed, ended }
}

function parseFrame(frame: string): { event: string | undefined; data: string | undefined } {
  let event: string | undefined
  const data: string[] = []
  for (const line of frame.split(/\r?\n|\r/)) {
    if (line.startsWith('event:')) event = line.slice(6).trim()
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
  }
  return {
    event: event ?? (data.length ? 'message' : undefined),
    data: data.length ? data.join('\n') : undefined,
  }
}
