/**
 * Which upstream base URLs and addresses a node may use (SPEC 6.2/6.3, reliability 3.4). Pure:
 * the admin API calls it when a node is saved, the data path again with the address it is
 * about to connect to, so a DNS change after saving cannot get around it.
 */
import { BlockList, isIP } from 'node:net'

export type AddressClass =
  'public' | 'private' | 'loopback' | 'link-local' | 'metadata' | 'reserved'

export type PolicyVerdict = { ok: true } | { ok: false; reason: string }

export interface UpstreamPolicyOptions {
  /** Loopback, private and link-local addresses allowed (admin-saved nodes, or the env switch). */
  allowPrivate: boolean
}

const metadata = new BlockList()
metadata.addSubnet('169.254.0.0', 16, 'ipv4')
metadata.addAddress('fd00:ec2::254', 'ipv6')

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')

const linkLocal = new BlockList()
linkLocal.addSubnet('fe80::', 10, 'ipv6')

const privateNets = new BlockList()
privateNets.addSubnet('10.0.0.0', 8, 'ipv4')
privateNets.addSubnet('172.16.0.0', 12, 'ipv4')
privateNets.addSubnet('192.168.0.0', 16, 'ipv4')
privateNets.addSubnet('100.64.0.0', 10, 'ipv4') // carrier-grade NAT
privateNets.addSubnet('fc00::', 7, 'ipv6') // unique local

const reserved = new BlockList()
reserved.addSubnet('0.0.0.0', 8, 'ipv4') // "this network": 0.0.0.0 reaches localhost on Linux
reserved.addSubnet('224.0.0.0', 3, 'ipv4') // multicast, reserved, broadcast
reserved.addAddress('::', 'ipv6')
reserved.addSubnet('ff00::', 8, 'ipv6')

/** An IPv4 address hidden in an IPv6 one (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`). */
function embeddedIpv4(ip: string): string | undefined {
  const lower = ip.toLowerCase()
  const m = /^(?:::ffff:(?:0:)?|64:ff9b::)(.+)$/.exec(lower)
  if (!m?.[1]) return undefined
  const tail = m[1]
  if (isIP(tail) === 4) return tail
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail)
  if (!hex?.[1] || !hex[2]) return undefined
  const hi = parseInt(hex[1], 16)
  const lo = parseInt(hex[2], 16)
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
}

/** Classifies a literal IP address (v4 or v6). Anything that is not an IP is `reserved`. */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip
  const v4 = embeddedIpv4(bare)
  if (v4) return classifyAddress(v4)
  const family = isIP(bare)
  if (family === 0) return 'reserved'
  const type = family === 4 ? 'ipv4' : 'ipv6'
  if (metadata.check(bare, type)) return 'metadata'
  if (loopback.check(bare, type)) return 'loopback'
  if (reserved.check(bare, type)) return 'reserved'
  if (linkLocal.check(bare, type)) return 'link-local'
  if (privateNets.check(bare, type)) return 'private'
  return 'public'
}

/** May a connection go to this resolved address? Run at connect time on every address used. */
export function checkUpstreamAddress(ip: string, options: UpstreamPolicyOptions): PolicyVerdict {
  const kind = classifyAddress(ip)
  if (kind === 'public') return { ok: true }
  if (kind === 'metadata') return { ok: false, reason: 'cloud metadata addresses are not allowed' }
  if (kind === 'reserved') return { ok: false, reason: 'reserved addresses are not allowed' }
  if (options.allowPrivate) return { ok: true }
  return { ok: false, reason: `${kind} addresses are not allowed for this node` }
}

/**
 * Checks a base URL as saved: http(s) only, no credentials in it, and when the host is an IP
 * literal (in any spelling: the WHATWG parser turns `2130706433` or `0x7f.1` into `127.0.0.1`)
 * the address rule. `localhost` names count as loopback. Other names are checked against their
 * resolved addresses by the caller, and again at connect time.
 */
export function checkUpstreamUrl(raw: string, options: UpstreamPolicyOptions): PolicyVerdict {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, reason: 'not a valid URL' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: 'only http and https are allowed' }
  }
  if (url.username || url.password)
    return { ok: false, reason: 'credentials in the URL are not allowed' }
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return checkUpstreamAddress('127.0.0.1', options)
  }
  const bare = host.startsWith('[') ? host.slice(1, -1) : host
  if (isIP(bare) !== 0) return checkUpstreamAddress(bare, options)
  return { ok: true }
}
