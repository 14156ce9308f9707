import { describe, expect, it } from 'vitest'
import { compileIpRules, ipAllowed, ipRuleText, parseIpRule } from './ip-rules'

describe('ip rules', () => {
  it('writes rules canonically', () => {
    const text = (s: string) => {
      const r = parseIpRule(s)
      return r && ipRuleText(r)
    }
    expect(text('203.0.113.9')).toBe('203.0.113.9')
    expect(text('203.0.113.9/24')).toBe('203.0.113.0/24')
    expect(text('::ffff:203.0.113.9')).toBe('203.0.113.9')
    expect(text('::ffff:10.0.0.0/104')).toBe('10.0.0.0/8')
    expect(text('2001:0db8:0:0::1')).toBe('2001:db8::1')
    expect(text('0.0.0.0/0')).toBe('0.0.0.0/0')
    expect(text('10.0.0.0/')).toBeNull()
    expect(text('10.0.0.0/8/8')).toBeNull()
  })

  it('matches client addresses, IPv4-mapped IPv6 as IPv4', () => {
    const ips = ['10.0.0.0/8', '203.0.113.9', '2001:db8::/32']
    expect(ipAllowed(ips, '10.255.255.255')).toBe(true)
    expect(ipAllowed(ips, '11.0.0.0')).toBe(false)
    expect(ipAllowed(ips, '::ffff:10.1.2.3')).toBe(true)
    expect(ipAllowed(ips, '203.0.113.9')).toBe(true)
    expect(ipAllowed(ips, '203.0.113.10')).toBe(false)
    expect(ipAllowed(ips, '2001:db8:ffff::1')).toBe(true)
    expect(ipAllowed(ips, '2001:db9::1')).toBe(false)
    expect(ipAllowed(ips, 'unknown')).toBe(false)
    expect(ipAllowed(['::ffff:203.0.113.9'], '203.0.113.9')).toBe(true)
  })

  it('parses each list once', () => {
    const ips = Object.freeze(['10.0.0.0/8'])
    expect(compileIpRules(ips)).toBe(compileIpRules(ips))
  })
})
