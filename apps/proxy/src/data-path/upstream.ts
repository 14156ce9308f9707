import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import type { Readable } from 'node:stream'

/** What the attempt loop needs from an HTTP client; node:http in production, anything in tests. */
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
  /** May this node connect to loopback and private addresses (SPEC 6.2)? */
  allowPrivate: boolean
}

export interface UpstreamResponse {
  statusCode: number
  headers: Record<string, string | string[] | undefined>
  /** The live body; destroy it to drop the connection. */
  body: Readable
}

/** Why an address may not be connected to, or null when it may. */
export type AddressPolicy = (ip: string, allowPrivate: boolean) => string | null

/** The address policy refused the connection (it is the node's fault, like a connect error). */
export class UpstreamAddressError extends Error {
  override name = 'UpstreamAddressError'
  readonly code = 'QCC_ADDRESS_REFUSED'
  readonly retryable = true
}

/** No status line and headers in time. */
export const HEADERS_TIMEOUT = 'UND_ERR_HEADERS_TIMEOUT'
/** A body that stayed silent past the idle timeout. */
export const BODY_TIMEOUT = 'UND_ERR_BODY_TIMEOUT'

export interface UpstreamClientOptions {
  connectTimeoutMs: number
  /** Ends a body that stays silent this long (upstream pings count as traffic). */
  idleTimeoutMs: number
  /** Applied to every address actually connected to, so a DNS change cannot get around it. */
  addressPolicy?: AddressPolicy
}

function timeoutError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

/**
 * A node:http(s) client with keep-alive pools per upstream origin (node:http is the lightest
 * client here: no extra parser, the least memory). Redirects are never followed.
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const policy = options.addressPolicy
  const agentOptions = { keepAlive: true, keepAliveMsecs: 30_000, scheduling: 'lifo' as const }
  // Nodes that may reach private addresses never share sockets with those that may not.
  const agents = {
    http: { private: new HttpAgent(agentOptions), public: new HttpAgent(agentOptions) },
    https: { private: new HttpsAgent(agentOptions), public: new HttpsAgent(agentOptions) },
  }
  const lookups = policy
    ? { private: checkedLookup(policy, true), public: checkedLookup(policy, false) }
    : undefined
  return {
    send: (req) =>
      new Promise<UpstreamResponse>((resolve, reject) => {
        const host = req.url.hostname.replace(/^\[|\]$/g, '')
        // IP literals skip DNS lookup, so the policy is applied to them here.
        const refused = policy && isIP(host) ? policy(host, req.allowPrivate) : null
        if (refused) return reject(new UpstreamAddressError(refused))
        const secure = req.url.protocol === 'https:'
        const kind = req.allowPrivate ? 'private' : 'public'
        const outgoing = (secure ? httpsRequest : httpRequest)(req.url, {
          method: req.method,
          headers: req.headers,
          agent: (secure ? agents.https : agents.http)[kind],
          signal: req.signal,
          timeout: options.connectTimeoutMs,
          ...(lookups ? { lookup: lookups[kind] } : {}),
        })
        let phase: 'connect' | 'headers' | 'body' = 'connect'
        const headersTimer = setTimeout(() => {
          outgoing.destroy(timeoutError('no response headers in time', HEADERS_TIMEOUT))
        }, req.headersTimeoutMs)
        outgoing.on('socket', (socket) => {
          const connected = () => {
            if (phase === 'connect') phase = 'headers'
          }
          if (socket.connecting) socket.once('connect', connected)
          else connected()
        })
        // The socket timeout is the connect timeout, then the body's idle timeout.
        outgoing.on('timeout', () => {
          if (phase === 'connect') outgoing.destroy(timeoutError('connect timeout', 'ETIMEDOUT'))
          else if (phase === 'body')
            outgoing.destroy(timeoutError('upstream went silent', BODY_TIMEOUT))
        })
        outgoing.on('error', (err) => {
          clearTimeout(headersTimer)
          reject(err)
        })
        outgoing.on('response', (res: IncomingMessage) => {
          clearTimeout(headersTimer)
          phase = 'body'
          outgoing.setTimeout(options.idleTimeoutMs)
          // A destroyed request surfaces on the body as its error (idle timeout, abort).
          outgoing.on('error', (err) => res.destroy(err))
          res.on('end', () => outgoing.setTimeout(0))
          // Whoever reads the body listens for its errors; this keeps a gap between two readers
          // (first event, then relay) from turning a late error into a crash.
          res.on('error', () => {})
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res })
        })
        outgoing.end(req.body)
      }),
    close: async () => {
      for (const group of Object.values(agents)) {
        group.private.destroy()
        group.public.destroy()
      }
    },
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/** `dns.lookup` that refuses addresses the policy forbids (every one of them, for `all`). */
function checkedLookup(policy: AddressPolicy, allowPrivate: boolean) {
  return (hostname: string, opts: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, [])
      const refused = addresses.map((a) => policy(a.address, allowPrivate)).find((r) => r !== null)
      if (refused) return callback(new UpstreamAddressError(`${hostname}: ${refused}`), [])
      if (opts.all) return callback(null, addresses)
      const first = addresses[0]
      if (!first) return callback(new UpstreamAddressError(`${hostname}: no address`), [])
      callback(null, first.address, first.family)
    })
  }
}
