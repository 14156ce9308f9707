import { BlockList, isIP } from 'node:net'
import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'

/** `::ffff:10.0.0.1` and `10.0.0.1` are the same peer. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}

/**
 * Who may speak for the client through `X-Forwarded-*`: `PROXY_TRUSTED_PROXIES`, a list of
 * addresses or CIDR ranges. Anyone else's forwarded headers are ignored (ASVS 4.1.3).
 */
export class TrustedProxies {
  private readonly list = new BlockList()
  private readonly empty: boolean

  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0
    for (const entry of entries) {
      const [addr = '', bits] = entry.split('/')
      const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4'
      if (bits === undefined) this.list.addAddress(addr, family)
      else this.list.addSubnet(addr, Number(bits), family)
    }
  }

  has(address: string): boolean {
    if (this.empty || !address) return false
    const plain = plainAddress(address)
    return this.list.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4')
  }
}

function peerAddress(c: Context): string {
  try {
    return plainAddress(getConnInfo(c).remote.address ?? '')
  } catch {
    // app.request() in unit tests has no socket
    return ''
  }
}

/**
 * The client's address: the peer, or the right-most untrusted `X-Forwarded-For` hop when the
 * peer is a trusted proxy (left-most entries are whatever the client chose to send).
 */
export function clientAddress(c: Context, trusted: TrustedProxies): string {
  const peer = peerAddress(c)
  if (!trusted.has(peer)) return peer
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => plainAddress(h.trim()))
    .filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string
    if (!trusted.has(hop)) return hop
  }
  return hops[0] ?? peer
}

/** The host the client addressed: `X-Forwarded-Host` from a trusted proxy, else `Host`. */
export function requestHost(c: Context, trusted: TrustedProxies): string {
  const forwarded = c.req.header('x-forwarded-host')
  if (forwarded && trusted.has(peerAddress(c))) return forwarded.split(',')[0]?.trim() ?? ''
  return c.req.header('host') ?? new URL(c.req.url).host
}

/** HTTPS as the client sees it: TLS here, or a trusted proxy saying `X-Forwarded-Proto: https`. */
export function isSecureRequest(c: Context, trusted: TrustedProxies): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true
  const proto = c.req.header('x-forwarded-proto')
  return proto?.split(',')[0]?.trim() === 'https' && trusted.has(peerAddress(c))
}

/** `scheme://host` of this server as the client sees it (for links we hand out). */
export function publicOrigin(c: Context, trusted: TrustedProxies): string {
  return `${isSecureRequest(c, trusted) ? 'https' : 'http'}://${requestHost(c, trusted)}`
}
