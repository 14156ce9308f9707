import { redactSecrets } from '@qcc/core'

const EVENT_ERROR = Buffer.from('event: error')
const EVENT_ERROR_TIGHT = Buffer.from('event:error')
const FRAME_END = Buffer.from('\n\n')
const EMPTY = Buffer.alloc(0)
/** An error frame is a few hundred bytes; one that never ends is let go (redacted) at this size. */
const MAX_HELD = 64 * 1024

/** Rewrites a committed stream chunk by chunk; `end` gives what it still holds. */
export interface StreamRewriter {
  push(chunk: Buffer): Buffer
  end(): Buffer
}

function errorFrameStart(chunk: Buffer): number {
  const spaced = chunk.indexOf(EVENT_ERROR)
  return spaced === -1 ? chunk.indexOf(EVENT_ERROR_TIGHT) : spaced
}

/**
 * Redacts the upstream's own `event: error` frames in a committed stream (docs/contract.md §9: an error body
 * passed to a tenant has the node's key and key-shaped tokens replaced). Every other byte passes
 * untouched: a chunk without an error frame comes back as the same buffer after one native
 * search, so a healthy stream costs what it did. An error frame split over reads is held until
 * its blank line (it is small, and the stream's last words), so a key cut in two is still found.
 */
export function createErrorFrameRedactor(known: readonly (string | null)[]): StreamRewriter {
  let held: Buffer | undefined
  const redact = (frame: Buffer) => Buffer.from(redactSecrets(frame.toString('utf8'), known))

  // `buf` starts at an error frame (after whatever part of it is held).
  const inFrame = (buf: Buffer): Buffer => {
    const all = held ? Buffer.concat([held, buf]) : buf
    held = undefined
    const end = all.indexOf(FRAME_END)
    if (end === -1) {
      if (all.length > MAX_HELD) return redact(all)
      held = all
      return EMPTY
    }
    const cut = end + FRAME_END.length
    return Buffer.concat([redact(all.subarray(0, cut)), push(all.subarray(cut))])
  }

  const push = (chunk: Buffer): Buffer => {
    if (held) return inFrame(chunk)
    const start = errorFrameStart(chunk)
    if (start === -1) return chunk
    return Buffer.concat([chunk.subarray(0, start), inFrame(chunk.subarray(start))])
  }

  return {
    push,
    end: () => {
      const rest = held
      held = undefined
      return rest ? redact(rest) : EMPTY
    },
  }
}
