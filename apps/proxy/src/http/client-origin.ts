/**
 * Who the client is, from the socket's peer and the few headers we believe: shared by the admin
 * API (through Hono) and the `/v1/*` data path (on the raw request), so both draw the line
 * between "this machine" and "anywhere else" in the same place. No Hono here: the data path must
 * not load it.
 */
import type { IncomingMessage } from 'node:http'
import { BlockList, isIP } from 'node:net'

/** `::ffff:10.0.0.1` and `10.0.0.1` are the same peer. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')
// The hex spelling of an IPv4-mapped loopback (`::ffff:7f00:1`); the dotted one is unmapped above.
LOOPBACK.addSubnet('::ffff:7f00:0', 104, 'ipv6')

/** 127.0.0.0/8, `::1` and `::ffff:127.x`: an address of this machine's loopback interface. */
export function isLoopbackAddress(address: string): boolean {
  const plain = plainAddress(address)
  const family = isIP(plain)
  if (family === 0) return false
  return LOOPBACK.check(plain, family === 6 ? 'ipv6' : 'ipv4')
}

export interface TrustedProxiesOptions {
  /**
   * True while qcc's own Cloudflare Tunnel runs: `cloudflared` then connects over loopback and
   * its `cf-connecting-ip` names the client (Cloudflare's edge sets it, overwriting the client's).
   */
  tunnelRunning?: () => boolean
}

/**
 * Who may speak for the client: `PROXY_TRUSTED_PROXIES` (addresses or CIDR ranges) through
 * `X-Forwarded-*`, and qcc's running tunnel through `cf-connecting-ip`. Anyone else's forwarded
 * headers are ignored (ASVS 4.1.3).
 */
export class TrustedProxies {
  private readonly list = new BlockList()
  private readonly empty: boolean
  private readonly tunnelRunning: () => boolean

  constructor(entries: readonly string[], options: TrustedProxiesOptions = {}) {
    this.empty = entries.length === 0
    this.tunnelRunning = options.tunnelRunning ?? (() => false)
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

  /** Whether `cf-connecting-ip` from a loopback peer is `cloudflared` run by this qcc. */
  tunnelSpeaks(): boolean {
    return this.tunnelRunning()
  }
}

/** Reads one request header (lower-case name); the first value when it was sent twice. */
export type HeaderReader = (name: string) => string | undefined

/** The client as far as we can tell. */
export interface ClientOrigin {
  /** Its address for throttling and audit; '' when there is no socket (in-process calls). */
  address: string
  /**
   * True only for a client on this machine: the peer and the client it speaks for are loopback
   * and the request did not come through Cloudflare. Default credentials work only then.
   */
  loopback: boolean
}

/**
 * The right-most untrusted `X-Forwarded-For` hop (left-most entries are whatever the client
 * chose to send), or the peer when there is none.
 */
function forwardedFor(peer: string, header: string | undefined, trusted: TrustedProxies): string {
  const hops = (header ?? '')
    .split(',')
    .map((h) => plainAddress(h.trim()))
    .filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string
    if (!trusted.has(hop)) return hop
  }
  return hops[0] ?? peer
}

/**
 * Resolves the client from the socket's peer address and the request headers.
 *
 * A loopback peer that carries `cf-connecting-ip` is Cloudflare's tunnel (cloudflared connects
 * over loopback), so it is never "this machine", whoever runs cloudflared. Its header names the
 * client only while qcc's own tunnel runs; otherwise anyone on this machine could pick a fresh
 * address per login attempt, so the peer stays the address (an operator running cloudflared
 * separately lists 127.0.0.1 in PROXY_TRUSTED_PROXIES; Cloudflare also sends X-Forwarded-For).
 */
export function resolveClient(
  peerAddress: string,
  header: HeaderReader,
  trusted: TrustedProxies,
): ClientOrigin {
  const peer = plainAddress(peerAddress)
  const viaCloudflare = header('cf-connecting-ip') !== undefined
  let address = peer
  if (trusted.has(peer)) {
    address = forwardedFor(peer, header('x-forwarded-for'), trusted)
  } else if (viaCloudflare && isLoopbackAddress(peer) && trusted.tunnelSpeaks()) {
    const named = plainAddress((header('cf-connecting-ip') ?? '').trim())
    if (isIP(named) !== 0) address = named
  }
  // A trusted proxy elsewhere cannot report a client on *our* loopback: both must be local.
  const loopback = !viaCloudflare && isLoopbackAddress(peer) && isLoopbackAddress(address)
  return { address, loopback }
}

/** {@link resolveClient} for a raw Node request (the `/v1/*` data path): the socket's peer. */
export function resolveNodeClient(req: IncomingMessage, trusted: TrustedProxies): ClientOrigin {
  const header: HeaderReader = (name) => {
    const value = req.headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  return resolveClient(req.socket.remoteAddress ?? '', header, trusted)
}

/**
 * Whether the client reached us over HTTPS: TLS here, `X-Forwarded-Proto: https` from a trusted
 * proxy, or Cloudflare's tunnel (a loopback peer with `cf-connecting-ip`), whose edge serves
 * HTTPS unless `cf-visitor` says the visitor used plain http.
 *
 * Only the session cookie's `Secure` flag and the links we hand out depend on this. Believing
 * the tunnel headers without asking whether qcc runs the tunnel is safe: `Secure` only makes a
 * cookie stricter, only the sender's own answer is affected, and a remote client cannot reach us
 * from a loopback peer except through a local proxy (Cloudflare's or one the operator runs).
 */
export function arrivedOverHttps(
  tls: boolean,
  peerAddress: string,
  header: HeaderReader,
  trusted: TrustedProxies,
): boolean {
  if (tls) return true
  const peer = plainAddress(peerAddress)
  if (trusted.has(peer)) {
    if (header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https') return true
  }
  if (header('cf-connecting-ip') === undefined || !isLoopbackAddress(peer)) return false
  return !/"scheme"\s*:\s*"http"/.test(header('cf-visitor') ?? '')
}
