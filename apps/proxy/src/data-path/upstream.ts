import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { isIP } from 'node:net'
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
  /** May this node connect to loopback and private addresses (SPEC 6.2)? */
  allowPrivate: boolean
}

export type UpstreamResponse = Dispatcher.ResponseData

/** Why an address may not be connected to, or null when it may. */
export type AddressPolicy = (ip: string, allowPrivate: boolean) => string | null

/** The address policy refused the connection (it is the node's fault, like a connect error). */
export class UpstreamAddressError extends Error {
  override name = 'UpstreamAddressError'
  readonly code = 'QCC_ADDRESS_REFUSED'
  readonly retryable = true
}

export interface UpstreamClientOptions {
  connectTimeoutMs: number
  /** Applied to every address actually connected to, so a DNS change cannot get around it. */
  addressPolicy?: AddressPolicy
  /** Ends a body that stays silent this long (upstream pings count as traffic). */
  idleTimeoutMs: number
}

/**
 * An undici client with keep-alive pools per upstream origin. Redirects are never followed
 * (undici's `request` does not follow them unless told to).
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
  const privateAgent = agentFor(true)
  const publicAgent = agentFor(false)
  return {
    send: async (req) => {
      const host = req.url.hostname.replace(/^\[|\]$/g, '')
      // IP literals skip DNS lookup, so the policy is applied to them here.
      const refused = policy && isIP(host) ? policy(host, req.allowPrivate) : null
      if (refused) throw new UpstreamAddressError(refused)
      return request(req.url, {
        dispatcher: req.allowPrivate ? privateAgent : publicAgent,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        headersTimeout: req.headersTimeoutMs,
        bodyTimeout: options.idleTimeoutMs,
      })
    },
    close: async () => {
      await Promise.all([privateAgent.close(), publicAgent.close()])
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
