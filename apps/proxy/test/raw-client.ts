/**
 * A plain `node:http` client for the hardening tests: it sends the path exactly as given (fetch
 * would normalise `..` away) and can bind the local end to another address of this host, so the
 * proxy sees a non-loopback peer over the real network path.
 */
import { request } from 'node:http'

export interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
}

export interface RawRequest {
  method?: string
  /** Host to connect to (default: the URL's). */
  host?: string
  /** Local address to connect from, e.g. `192.0.2.2` (another address of this machine). */
  from?: string
  headers?: Record<string, string>
  body?: unknown
  timeoutMs?: number
}

/** Sends one request to `baseUrl` + `path` (sent verbatim) and reads the whole answer. */
export function rawRequest(
  baseUrl: string,
  path: string,
  opts: RawRequest = {},
): Promise<RawAnswer> {
  const base = new URL(baseUrl)
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body)
  const headers: Record<string, string> = { ...opts.headers }
  if (body !== undefined) headers['content-type'] ??= 'application/json'
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: opts.host ?? base.hostname,
        port: base.port,
        localAddress: opts.from,
        method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
        path,
        headers,
        agent: false,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
        })
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`timed out: ${path}`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** The `Set-Cookie` line of `session_token` in an answer, or undefined. */
export function sessionCookieLine(answer: RawAnswer): string | undefined {
  const set = answer.headers['set-cookie'] ?? []
  const line = (Array.isArray(set) ? set : [set]).find((c) => c.startsWith('session_token='))
  return line
}
