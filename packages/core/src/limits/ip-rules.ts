import ipaddr from 'ipaddr.js'

/**
 * A parsed `ips` entry: a network in one address family. A plain address is a network of its
 * full length (32 or 128 bits). IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is read as IPv4 everywhere
 * (docs/contract.md §10: the client address as in 6.3, which a dual-stack socket reports mapped).
 */
export interface IpRule {
  family: 'ipv4' | 'ipv6'
  addr: ipaddr.IPv4 | ipaddr.IPv6
  bits: number
}

/** An address, IPv4-mapped IPv6 unwrapped; null when the text is not a valid address. */
function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  // Four-part decimal only for IPv4: ipaddr.js also accepts `127.1` and hex octets, which nobody
  // means in an allow list.
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text)
  if (!text.includes(':') || !ipaddr.IPv6.isValid(text)) return null
  const v6 = ipaddr.IPv6.parse(text)
  if (v6.zoneId !== undefined) return null
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6
}

/**
 * Parses one `ips` entry (an address or a CIDR); null when invalid. A mapped IPv6 CIDR with at
 * least 96 bits becomes the IPv4 CIDR it covers; host bits of a CIDR are cleared.
 *
 * @example
 * ```ts
 * parseIpRule('10.1.2.3/8')   // { family: 'ipv4', addr: 10.0.0.0, bits: 8 }
 * parseIpRule('::ffff:1.2.3.4') // { family: 'ipv4', addr: 1.2.3.4, bits: 32 }
 * ```
 */
export function parseIpRule(text: string): IpRule | null {
  const slash = text.indexOf('/')
  const addrText = slash < 0 ? text : text.slice(0, slash)
  const addr = parseAddress(addrText)
  if (!addr) return null
  const mappedV6 = addr.kind() === 'ipv4' && addrText.includes(':')
  const max = addr.kind() === 'ipv4' ? 32 : 128
  let bits = max
  if (slash >= 0) {
    const bitsText = text.slice(slash + 1)
    if (!/^\d{1,3}$/.test(bitsText)) return null
    bits = Number(bitsText)
    if (mappedV6) {
      if (bits < 96 || bits > 128) return null
      bits -= 96
    } else if (bits > max) return null
  }
  const network =
    bits === max
      ? addr
      : addr.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`)
        : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`)
  return { family: network.kind(), addr: network, bits }
}

/** The canonical text of a rule: `1.2.3.4`, `10.0.0.0/8`, `2001:db8::/32`. */
export function ipRuleText(rule: IpRule): string {
  const max = rule.family === 'ipv4' ? 32 : 128
  const addr = rule.addr.toString()
  return rule.bits === max ? addr : `${addr}/${rule.bits}`
}

/** True when every address of `inner` is inside `outer` (CIDR containment; equal rules too). */
export function ipRuleContains(outer: IpRule, inner: IpRule): boolean {
  if (outer.family !== inner.family || inner.bits < outer.bits) return false
  return inner.addr.match(outer.addr, outer.bits)
}

/** Parses a client address (IPv4-mapped IPv6 as IPv4); null when it is not an address. */
export function parseClientAddress(text: string): IpRule | null {
  const addr = parseAddress(text)
  if (!addr) return null
  return { family: addr.kind(), addr, bits: addr.kind() === 'ipv4' ? 32 : 128 }
}

// Parsed once per `ips` array: the store shares one frozen array per row, so the hot path parses
// nothing after the first request of a key.
const compiled = new WeakMap<readonly string[], IpRule[]>()

/** The rules of an `ips` list, parsed once per array (invalid entries dropped). */
export function compileIpRules(ips: readonly string[]): IpRule[] {
  let rules = compiled.get(ips)
  if (!rules) {
    rules = []
    for (const text of ips) {
      const rule = parseIpRule(text)
      if (rule) rules.push(rule)
    }
    compiled.set(ips, rules)
  }
  return rules
}

/** True when `clientIp` is inside one of `ips` (docs/contract.md §10). An unparsable client address matches nothing. */
export function ipAllowed(ips: readonly string[], clientIp: string): boolean {
  const client = parseClientAddress(clientIp)
  if (!client) return false
  for (const rule of compileIpRules(ips)) {
    if (ipRuleContains(rule, client)) return true
  }
  return false
}
