/**
 * The one HTTP client for the proxy's own outbound calls: health probes, notification webhooks
 * and the test-send (docs/contract.md §9 "every outbound call obeys the address policy"). Built on the data
 * path's undici with the same connect-time address check; it never follows a redirect (a 3xx is
 * a failure of class `redirect`, its body unread), reads at most a few KiB of an answer (enough
 * for an Anthropic error JSON, never a whole page), and bounds every call by a timeout.
 */
import type { Readable } from 'node:stream'
import { outboundErrorClass, type OutboundErrorClass } from '@qcc/core'
import { Agent } from 'undici'
import {
  AddressRefusedError,
  checkedLookup,
  literalRefusal,
  type AddressPolicy,
  type LookupFunction,
} from './address-check'

/** Bytes of an answer's body read at most; the rest is dropped with the connection. */
export const OUTBOUND_BODY_LIMIT = 8 * 1024

/** One outbound call. */
export interface OutboundRequest {
  /** Absolute http(s) URL; its origin is the only host the call (and its headers) reaches. */
  url: string
  method: 'GET' | 'POST' | 'HEAD'
  headers?: Record<string, string>
  body?: string
  /** May the call connect to loopback and private addresses (the node's or channel's flag)? */
  allowPrivate: boolean
  /** Bounds the whole call: connect, headers and the (limited) body read. */
  timeoutMs: number
}

/** The host answered with a status outside 3xx. */
export interface OutboundAnswer {
  kind: 'answer'
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The first {@link OUTBOUND_BODY_LIMIT} bytes of the body, as UTF-8. */
  body: string
  /** The body was longer than what was read. */
  truncated: boolean
}

/** No usable answer: refused by policy, not reachable, too slow, TLS trouble, or a redirect. */
export interface OutboundFailure {
  kind: 'failed'
  errorClass: OutboundErrorClass
  /** The status of a redirect. */
  status?: number
  /** The transport's error code (`ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`, ...), when known. */
  code?: string
}

export type OutboundResult = OutboundAnswer | OutboundFailure

/** The client; `request` never throws. */
export interface OutboundClient {
  request(req: OutboundRequest): Promise<OutboundResult>
  close(): Promise<void>
}

export interface OutboundClientOptions {
  /** Applied to every address connected to, and to IP-literal hosts. */
  addressPolicy: AddressPolicy
  /** Time allowed to open a connection (the call's own timeout bounds it too). */
  connectTimeoutMs?: number
  /** Bytes of a body read at most (default {@link OUTBOUND_BODY_LIMIT}). */
  bodyLimitBytes?: number
  /** The resolver behind the checked lookup (default `dns.lookup`); tests inject one. */
  lookup?: LookupFunction
}

/**
 * Creates the outbound client: one undici pool for callers allowed private addresses and one
 * for the rest, so they never share a socket.
 * @example
 * const outbound = createOutboundClient({ addressPolicy: upstreamAddressPolicy })
 * const r = await outbound.request({ url, method: 'HEAD', allowPrivate: false, timeoutMs: 5000 })
 * if (r.kind === 'failed') console.log(r.errorClass) // 'address_refused', 'redirect', ...
 */
export function createOutboundClient(options: OutboundClientOptions): OutboundClient {
  const policy = options.addressPolicy
  const limit = options.bodyLimitBytes ?? OUTBOUND_BODY_LIMIT
  const agentFor = (allowPrivate: boolean) =>
    new Agent({
      connect: {
        timeout: options.connectTimeoutMs ?? 10_000,
        lookup: checkedLookup(policy, allowPrivate, options.lookup),
      },
      // Probes come every few seconds at most; idle sockets are not worth keeping long.
      keepAliveTimeout: 4_000,
    })
  const agents = { private: agentFor(true), public: agentFor(false) }

  return {
    async request(req) {
      let url: URL
      try {
        url = new URL(req.url)
      } catch {
        return { kind: 'failed', errorClass: 'connect_refused' }
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return { kind: 'failed', errorClass: 'address_refused' }
      }
      const refused = literalRefusal(policy, url.hostname, req.allowPrivate)
      if (refused) return failure(new AddressRefusedError(refused), false)
      const signal = AbortSignal.timeout(req.timeoutMs)
      try {
        const res = await agents[req.allowPrivate ? 'private' : 'public'].request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: req.method,
          headers: req.headers,
          body: req.body,
          signal,
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
        })
        res.body.on('error', () => {})
        if (res.statusCode >= 300 && res.statusCode < 400) {
          // Never followed, never read: the next hop could be anywhere.
          res.body.destroy()
          return { kind: 'failed', errorClass: 'redirect', status: res.statusCode }
        }
        const { text, truncated } = await readLimited(res.body, limit, signal)
        return {
          kind: 'answer',
          status: res.statusCode,
          headers: res.headers,
          body: text,
          truncated,
        }
      } catch (err) {
        return failure(err, signal.aborted)
      }
    },
    close: async () => {
      await Promise.all([agents.private.close(), agents.public.close()])
    },
  }
}

function failure(err: unknown, timedOut: boolean): OutboundFailure {
  const code = (err as { code?: unknown } | null)?.code
  const known = typeof code === 'string' ? code : undefined
  return {
    kind: 'failed',
    errorClass: timedOut ? 'timeout' : outboundErrorClass(known),
    ...(known === undefined ? {} : { code: known }),
  }
}

/** Reads up to `limit` bytes, then drops the connection; resolves with what arrived in time. */
function readLimited(
  body: Readable,
  limit: number,
  signal: AbortSignal,
): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (truncated: boolean) => {
      if (done) return
      done = true
      signal.removeEventListener('abort', onAbort)
      body.off('data', onData)
      if (truncated) body.destroy()
      resolve({ text: Buffer.concat(chunks).subarray(0, limit).toString('utf8'), truncated })
    }
    const onAbort = () => finish(true)
    const onData = (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
      if (size > limit) finish(true)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    body.on('data', onData)
    body.once('end', () => finish(false))
    body.once('error', () => finish(true))
    if (signal.aborted) finish(true)
  })
}
