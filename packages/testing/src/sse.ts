/** One parsed server-sent event frame. */
export interface SseFrame {
  event: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test tooling, assertions dig in freely
  data: any
}

/** Formats one SSE frame exactly as Anthropic does: `event: X\ndata: {json}\n\n`. */
export function formatSseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

/**
 * Parses an SSE text into frames (naive: split on blank lines; `data` is JSON-parsed when it can
 * be, else the raw string). Frames without `event:` get `message`, as in the SSE spec. Test tooling.
 */
export function parseSseFrames(text: string): SseFrame[] {
  const frames: SseFrame[] = []
  for (const block of text.replace(/\r\n/g, '\n').split(/\n\n+/)) {
    if (block.trim() === '') continue
    let event = 'message'
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      let value = colon === -1 ? '' : line.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (field === 'event') event = value
      else if (field === 'data') data.push(value)
    }
    if (data.length === 0 && event === 'message') continue
    const raw = data.join('\n')
    let parsed: unknown = raw
    try {
      parsed = JSON.parse(raw)
    } catch {
      // keep the raw string
    }
    frames.push({ event, data: parsed })
  }
  return frames
}
