/** A fake webhook receiver for the notification tests (node:http on 127.0.0.1:0). */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  path: string
  query: URLSearchParams
  headers: Record<string, string | string[] | undefined>
  body: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface FakeReceiver {
  url: string
  received: Received[]
  /** Answers for the next requests, in order; afterwards 200 `{"errcode":0}`. */
  script: ((res: ServerResponse) => void)[]
  /** Received on one path. */
  on(path: string): Received[]
  close(): Promise<void>
}

/** Answers 200 `{"errcode":0,"ok":true}` unless scripted otherwise. */
export async function startReceiver(): Promise<FakeReceiver> {
  const received: Received[] = []
  const script: FakeReceiver['script'] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x')
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString())
      } catch {
        body = undefined
      }
      received.push({ path: url.pathname, query: url.searchParams, headers: req.headers, body })
      const next = script.shift()
      if (next) return next(res)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"errcode":0,"errmsg":"ok","ok":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script,
    on: (path) => received.filter((r) => r.path === path),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A scripted answer: status and JSON body. */
export const answer =
  (status: number, body: unknown = {}) =>
  (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
