import type { Readable } from 'node:stream'

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

const FRAME_END = /\r?\n\r?\n|\r\r/

/**
 * Reads an SSE body until its first complete frame, without consuming more than it has to
 * buffer. The stream is left paused with no listeners, ready to be piped.
 */
export function readFirstEvent(body: Readable, timeoutMs: number): Promise<FirstEvent> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let text = ''
    const timer = setTimeout(
      () => finish(new FirstEventTimeoutError('no first event in time')),
      timeoutMs,
    )
    function finish(err: Error | null, ended = false): void {
      clearTimeout(timer)
      body.off('data', onData)
      body.off('end', onEnd)
      body.off('error', onError)
      body.pause()
      if (err) return reject(err)
      const frame = FRAME_END.exec(text)
      const parsed = frame
        ? parseFrame(text.slice(0, frame.index))
        : { event: undefined, data: undefined }
      resolve({ chunks, ...parsed, ended })
    }
    function onData(chunk: Buffer): void {
      chunks.push(chunk)
      // Frames are ASCII up to the data payload; a split multi-byte character can only sit
      // inside the payload, which is re-parsed from the joined text once the frame is whole.
      text += chunk.toString('utf8')
      if (FRAME_END.test(text)) {
        text = Buffer.concat(chunks).toString('utf8')
        finish(null)
      }
    }
    const onEnd = () => finish(null, true)
    const onError = (err: Error) => finish(err)
    body.on('data', onData)
    body.on('end', onEnd)
    body.on('error', onError)
  })
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
