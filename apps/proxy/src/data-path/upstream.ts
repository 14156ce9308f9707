import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { isIP } from 'node:net'
import type { Readable } from 'node:stream'
import { Agent } from 'undici'
import type { Cancellation } from './cancellation'
import { basePathPrefix, upstreamPath } from './upstream-url'

/** What the attempt loop needs from an HTTP client; undici in production, anything in tests. */
export interface UpstreamClient {
  send(req: UpstreamRequest): Promise<UpstreamResponse>
  close(): Promise<void>
}

export interface UpstreamRequest {
  /** The node's base URL (`https://host[:port][/prefix]`), as configured. */
  baseUrl: string
  /** Path and query as the client sent them (`/v1/...`); joined to the base URL's prefix. */
  path: string
  method: 'GET' | 'POST' | 'HEAD'
  headers: Record<string, string>
  body: Buffer | undefined
  /** Cancelled when the client goes away: the upstream call is cancelled with it. */
  cancel: Cancellation
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

/** undici's code for no status line and headers in time. */
export const HEADERS_TIMEOUT = 'UND_ERR_HEADERS_TIMEOUT'
/** undici's code for a body that stayed silent past the idle timeout. */
export const BODY_TIMEOUT = 'UND_ERR_BODY_TIMEOUT'

export interface UpstreamClientOptions {
  connectTimeoutMs: number
  /** Ends a body that stays silent this long (upstream pings count as traffic). */
  idleTimeoutMs: number
  /** Applied to every address actually connected to, so a DNS change cannot get around it. */
  addressPolicy?: AddressPolicy
}

/** A base URL taken apart once; every request to the node reuses it. */
interface Origin {
  /** `scheme://host:port`, the key of undici's connection pool. */
  origin: string
  /** The base URL's path without its trailing slash (`''` for most nodes). */
  prefix: string
  /** The policy's verdict for an IP-literal host, per `allowPrivate` (DNS names: per lookup). */
  refusal: { private: string | null; public: string | null }
}

/**
 * An undici client with keep-alive pools per upstream origin. Measured here against `node:http`
 * with a keep-alive agent, undici's `Agent.request` costs 40% less CPU per proxied request (its
 * llhttp parser and coarse timers beat `ClientRequest`'s per-request setup); that is the margin
 * that lets the proxy's own work fit. Redirects are never followed (`request` does not).
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const policy = options.addressPolicy
  const agentFor = (allowPrivate: boolean) =>
    new Agent({
      connect: {
        timeout: options.connectTimeoutMs,
        ...(policy ? { lookup: checkedLookup(policy, allowPrivate) } : {}),
      },
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
    })
  // Two pools: nodes that may reach private addresses never share sockets with those that may not.
  const agents = { private: agentFor(true), public: agentFor(false) }
  // Parsing the base URL and checking an IP literal cost more than the rest of a request's setup.
  const origins = new Map<string, Origin>()
  const originOf = (baseUrl: string): Origin => {
    let found = origins.get(baseUrl)
    if (!found) {
      if (origins.size >= 1024) origins.clear()
      const url = new URL(baseUrl)
      const hostname = url.hostname.replace(/^\[|\]$/g, '')
      // IP literals skip DNS lookup, so the policy is applied to them here.
      const literal = policy !== undefined && isIP(hostname) !== 0
      found = {
        origin: url.origin,
        prefix: basePathPrefix(url),
        refusal: {
          private: literal ? policy(hostname, true) : null,
          public: literal ? policy(hostname, false) : null,
        },
      }
      origins.set(baseUrl, found)
    }
    return found
  }
  return {
    send: async (req) => {
      const target = originOf(req.baseUrl)
      const kind = req.allowPrivate ? 'private' : 'public'
      const refused = target.refusal[kind]
      if (refused) throw new UpstreamAddressError(refused)
      const res = await agents[kind].request({
        origin: target.origin,
        path: upstreamPath(target.prefix, req.path),
        method: req.method,
        headers: req.headers,
        body: req.body,
        // Cancellation has the EventEmitter shape undici accepts (`aborted`, `once`).
        signal: req.cancel,
        headersTimeout: req.headersTimeoutMs,
        bodyTimeout: options.idleTimeoutMs,
      })
      // Whoever reads the body listens for its errors; this keeps a gap between two readers
      // (first event, then relay) from turning a late error into a crash.
      res.body.on('error', () => {})
      return { statusCode: res.statusCode, headers: res.headers, body: res.body }
    },
    close: async () => {
      await Promise.all([agents.private.close(), agents.public.close()])
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
