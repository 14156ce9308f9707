import { isIP } from 'node:net'
import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import {
  arrivedOverHttps,
  plainAddress,
  resolveClient,
  type ClientOrigin,
  type TrustedProxies,
} from '../http/client-origin'
import { ApiError } from './errors'

export { TrustedProxies } from '../http/client-origin'

function peerAddress(c: Context): string {
  try {
    return plainAddress(getConnInfo(c).remote.address ?? '')
  } catch {
    // app.request() in unit tests has no socket
    return ''
  }
}

/** The client (address, and whether it is on this machine) as `resolveClient` sees it. */
export function clientOrigin(c: Context, trusted: TrustedProxies): ClientOrigin {
  return resolveClient(peerAddress(c), (name) => c.req.header(name), trusted)
}

/**
 * The client's address: the peer, the right-most untrusted `X-Forwarded-For` hop when the peer
 * is a trusted proxy, or `cf-connecting-ip` from qcc's running tunnel.
 */
export function clientAddress(c: Context, trusted: TrustedProxies): string {
  return clientOrigin(c, trusted).address
}

/** The host the client addressed: `X-Forwarded-Host` from a trusted proxy, else `Host`. */
export function requestHost(c: Context, trusted: TrustedProxies): string {
  const forwarded = c.req.header('x-forwarded-host')
  if (forwarded && trusted.has(peerAddress(c))) return forwarded.split(',')[0]?.trim() ?? ''
  return c.req.header('host') ?? new URL(c.req.url).host
}

/** HTTPS as the client sees it: TLS here, a trusted proxy saying so, or the tunnel. */
export function isSecureRequest(c: Context, trusted: TrustedProxies): boolean {
  const tls = new URL(c.req.url).protocol === 'https:'
  return arrivedOverHttps(tls, peerAddress(c), (name) => c.req.header(name), trusted)
}

const DNS_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?'
const HOST_PORT = new RegExp(
  `^(?:\\[([0-9A-Fa-f:.]+)\\]|${DNS_LABEL}(?:\\.${DNS_LABEL})*\\.?)(?::(\\d{1,5}))?$`,
)

/** A plain `host[:port]` (DNS name, IPv4 or bracketed IPv6; port 1 to 65535) and nothing else. */
export function isHostPort(value: string): boolean {
  const m = value.length <= 260 ? HOST_PORT.exec(value) : null
  if (!m) return false
  if (m[1] !== undefined && isIP(m[1]) !== 6) return false
  const port = m[2] === undefined ? 1 : Number(m[2])
  return port >= 1 && port <= 65_535
}

/**
 * `scheme://host` of this server as the client sees it (for links we hand out). The host is
 * client-chosen text that ends up in links and install commands: only a plain `host[:port]`.
 * @throws ApiError `invalid_request` for anything else
 */
export function publicOrigin(c: Context, trusted: TrustedProxies): string {
  const host = requestHost(c, trusted)
  if (!isHostPort(host)) throw new ApiError('invalid_request', 'Host: expected host[:port]')
  return `${isSecureRequest(c, trusted) ? 'https' : 'http'}://${host}`
}
