/**
 * Splits an SSE byte stream into lines without decoding it: lines end at LF, CRLF or CR (one
 * CRLF split across two chunks included), a line split across chunks is joined before it is
 * handed on. Callers decode only the lines they need, so the text deltas that make up nearly
 * all of a Messages stream are never turned into strings.
 */
export interface SseLineSplitter {
  /** Feeds bytes; calls `onLine` for every line completed by them. */
  push(bytes: Uint8Array): void
  /** Bytes held for a line that has not ended yet. */
  readonly pendingBytes: number
}

const LF = 0x0a
const CR = 0x0d

/**
 * Receives one complete line: `bytes[start..end)`, without its end-of-line bytes. The array is
 * only valid during the call (it is usually the pushed chunk itself: no view is made per line).
 */
export type SseLineHandler = (bytes: Uint8Array, start: number, end: number) => void

export function createSseLineSplitter(onLine: SseLineHandler): SseLineSplitter {
  // Parts of a line still waiting for its end; joined once when the end arrives.
  let parts: Uint8Array[] = []
  let pending = 0
  // The previous chunk ended with CR: a LF at the start of the next one belongs to it.
  let swallowLf = false

  const emit = (bytes: Uint8Array, start: number, end: number): void => {
    if (parts.length === 0) {
      onLine(bytes, start, end)
      return
    }
    const line = new Uint8Array(pending + end - start)
    let at = 0
    for (const part of parts) {
      line.set(part, at)
      at += part.length
    }
    line.set(bytes.subarray(start, end), at)
    parts = []
    pending = 0
    onLine(line, 0, line.length)
  }

  return {
    push(bytes) {
      let i = 0
      if (swallowLf && bytes.length > 0) {
        if (bytes[0] === LF) i = 1
        swallowLf = false
      }
      // Next LF and CR at or after i, searched again only once passed (keeps a chunk O(n)).
      let lf = bytes.indexOf(LF, i)
      let cr = bytes.indexOf(CR, i)
      while (i < bytes.length) {
        if (lf !== -1 && lf < i) lf = bytes.indexOf(LF, i)
        if (cr !== -1 && cr < i) cr = bytes.indexOf(CR, i)
        const eol = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)
        if (eol === -1) {
          // Copied: the caller may reuse the chunk's memory once push returns.
          parts.push(bytes.slice(i))
          pending += bytes.length - i
          return
        }
        emit(bytes, i, eol)
        i = eol + 1
        if (bytes[eol] === CR) {
          if (eol + 1 < bytes.length) {
            if (bytes[eol + 1] === LF) i++
          } else swallowLf = true
        }
      }
    },
    get pendingBytes() {
      return pending
    },
  }
}
