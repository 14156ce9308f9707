/**
 * Real node:http hosts on 127.0.0.1 for the outbound hardening tests: a tenant's node, an
 * internal service, a webhook receiver. Each records what reached it (the `x-api-key` included),
 * and the console's event stream is read as the tenant reads it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseSseFrames, type SseFrame } from '@qcc/testing'

export interface Seen {
  method: string
  url: string
  apiKey: string | undefined
}

export interface RecordingHost {
  url: string
  port: number
  seen: Seen[]
  close(): Promise<void>
}

/** Starts a host that records every request, then answers with `answer`. */
export async function startRecordingHost(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<RecordingHost> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    const key = req.headers['x-api-key']
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      apiKey: Array.isArray(key) ? key.join(',') : key,
    })
    req.resume()
    req.on('end', () => answer(req, res))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Answers every request with this status, content type and body. */
export const answerWith =
  (status: number, body: string, type = 'application/json') =>
  (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': type })
    res.end(body)
  }

/**
 * Reads the console's event stream with a session cookie until `until` holds for the frames or
 * `ms` pass; returns the raw text (for "never contains") and the frames. `act` runs once the
 * stream is open (its `ready` frame read), so nothing it causes can be missed.
 */
export async function readEvents(
  baseUrl: string,
  cookie: string | undefined,
  until: (frames: SseFrame[]) => boolean,
  ms: number,
  act?: () => Promise<void>,
): Promise<{ text: string; frames: SseFrame[] }> {
  const controller = new AbortController()
  const deadline = setTimeout(() => controller.abort(), ms)
  let text = ''
  try {
    const res = await fetch(`${baseUrl}/admin/api/events`, {
      headers: { cookie: `session_token=${cookie ?? ''}` },
      signal: controller.signal,
    })
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    if (act) {
      while (!text.includes('event: ready')) {
        const { done, value } = await reader.read()
        if (done) break
        text += decoder.decode(value, { stream: true })
      }
      await act()
    }
    while (!until(parseSseFrames(text))) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
  } catch {
    // the deadline aborted the stream: the caller judges what arrived
  } finally {
    clearTimeout(deadline)
    controller.abort()
  }
  return { text, frames: parseSseFrames(text) }
}
