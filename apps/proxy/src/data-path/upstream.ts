import { Agent, request, type Dispatcher } from 'undici'

/** What the attempt loop needs from an HTTP client; undici in production, anything in tests. */
export interface UpstreamClient {
  send(req: UpstreamRequest): Promise<UpstreamResponse>
  close(): Promise<void>
}

export interface UpstreamRequest {
  url: URL
  method: 'GET' | 'POST' | 'HEAD'
  headers: Record<string, string>
  body: Buffer | undefined
  signal: AbortSignal
  /** Time allowed for the status line and headers. */
  headersTimeoutMs: number
}

export type UpstreamResponse = Dispatcher.ResponseData

export interface UpstreamClientOptions {
  connectTimeoutMs: number
  /** Ends a body that stays silent this long (upstream pings count as traffic). */
  idleTimeoutMs: number
}

/**
 * An undici client with keep-alive pools per upstream origin. Redirects are never followed
 * (undici's `request` does not follow them unless told to).
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const agent = new Agent({
    connect: { timeout: options.connectTimeoutMs },
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
  })
  return {
    send: (req) =>
      request(req.url, {
        dispatcher: agent,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        headersTimeout: req.headersTimeoutMs,
        bodyTimeout: options.idleTimeoutMs,
      }),
    close: () => agent.close(),
  }
}
