/**
 * Which upstream base URLs and addresses a node may use (docs/contract.md §6.2/6.3, docs/reliability.md). Pure:
 * the admin API calls it when a node is saved, the data path again with the address it is
 * about to connect to, so a DNS change after saving cannot get around it.
 */
import { BlockList, isIP } from 'node:net'

export type AddressClass =
  'public' | 'private' | 'loopback' | 'link-local' | 'special' | 'metadata' | 'reserved'

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
privateNets.addSubnet('fec0::', 10, 'ipv6') // site-local (deprecated, still routed inside sites)

// The rest of IANA's special-purpose registries (RFC 6890 and successors): not global unicast,
// so never "public". They are "special", allowed where private ones are: 198.18.0.0/15 is what
// fake-IP DNS (Clash, Surge) hands out for every name, and test nets hold lab relays.
const specialNets = new BlockList()
specialNets.addSubnet('192.0.0.0', 24, 'ipv4') // IETF protocol assignments
specialNets.addSubnet('192.0.2.0', 24, 'ipv4') // TEST-NET-1
specialNets.addSubnet('192.31.196.0', 24, 'ipv4') // AS112-v4
specialNets.addSubnet('192.52.193.0', 24, 'ipv4') // AMT
specialNets.addSubnet('192.88.99.0', 24, 'ipv4') // 6to4 relay anycast
specialNets.addSubnet('192.175.48.0', 24, 'ipv4') // direct delegation AS112
specialNets.addSubnet('198.18.0.0', 15, 'ipv4') // benchmarking
specialNets.addSubnet('198.51.100.0', 24, 'ipv4') // TEST-NET-2
specialNets.addSubnet('203.0.113.0', 24, 'ipv4') // TEST-NET-3
specialNets.addSubnet('100::', 64, 'ipv6') // discard-only
specialNets.addSubnet('2001::', 23, 'ipv6') // IETF protocol assignments (Teredo, ORCHID, ...)
specialNets.addSubnet('2001:db8::', 32, 'ipv6') // documentation
specialNets.addSubnet('3fff::', 20, 'ipv6') // documentation
specialNets.addSubnet('5f00::', 16, 'ipv6') // SRv6 SIDs
specialNets.addSubnet('64:ff9b:1::', 48, 'ipv6') // local-use NAT64 (embedding not fixed)

const reserved = new BlockList()
reserved.addSubnet('0.0.0.0', 8, 'ipv4') // "this network": 0.0.0.0 reaches localhost on Linux
reserved.addSubnet('224.0.0.0', 3, 'ipv4') // multicast, reserved, broadcast
reserved.addAddress('::', 'ipv6')
reserved.addSubnet('ff00::', 8, 'ipv6')

/** The 16 bytes of an IPv6 address in any spelling (`::`, a dotted IPv4 tail), or undefined. */
function ipv6Bytes(ip: string): number[] | undefined {
  if (isIP(ip) !== 6) return undefined
  let text = ip.toLowerCase().replace(/%.*$/, '')
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split('.').map(Number) as [number, number, number, number]
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  if (groups.length !== 8) return undefined
  return groups.flatMap((g) => {
    const n = parseInt(g, 16)
    return [n >> 8, n & 255]
  })
}

const dottedQuad = (b: number[], at: number) => b.slice(at, at + 4).join('.')

/**
 * The IPv4 address an IPv6 form carries, where the form routes to it: mapped `::ffff:0:0/96`,
 * SIIT `::ffff:0:0:0/96`, compatible `::/96`, NAT64 `64:ff9b::/96` and 6to4 `2002::/16`.
 * Teredo hides its client address; it is refused as special-purpose instead.
 */
function embeddedIpv4(ip: string): string | undefined {
  const b = ipv6Bytes(ip)
  if (!b) return undefined
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0)
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return dottedQuad(b, 12)
  if (zeros(0, 8) && b[8] === 0xff && b[9] === 0xff && zeros(10, 12)) return dottedQuad(b, 12)
  // `::` and `::1` are the IPv6 unspecified and loopback addresses, not compatible forms.
  if (zeros(0, 12) && !zeros(12, 15)) return dottedQuad(b, 12)
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12))
    return dottedQuad(b, 12)
  if (b[0] === 0x20 && b[1] === 0x02) return dottedQuad(b, 2)
  return undefined
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
  if (specialNets.check(bare, type)) return 'special'
  // Global unicast is 2000::/3 only; anything else in IPv6 is unassigned or special.
  if (family === 6 && ((ipv6Bytes(bare)?.[0] ?? 0) & 0xe0) !== 0x20) return 'special'
  return 'public'
}

/** May a connection go to this resolved address? Run at connect time on every address used. */
export function checkUpstreamAddress(ip: string, options: UpstreamPolicyOptions): PolicyVerdict {
  const kind = classifyAddress(ip)
  if (kind === 'public') return { ok: true }
  if (kind === 'metadata') return { ok: false, reason: 'cloud metadata addresses are not allowed' }
  if (kind === 'reserved') return { ok: false, reason: 'reserved addresses are not allowed' }
  if (options.allowPrivate) return { ok: true }
  const what = kind === 'special' ? 'special-purpose' : kind
  return { ok: false, reason: `${what} addresses are not allowed for this node` }
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
