import { describe, expect, it } from 'vitest'
import { checkUpstreamAddress, checkUpstreamUrl, classifyAddress } from './upstream-policy'

const tenant = { allowPrivate: false }
const admin = { allowPrivate: true }

describe('upstream policy', () => {
  it('classifies addresses in every spelling', () => {
    expect(classifyAddress('8.8.8.8')).toBe('public')
    expect(classifyAddress('127.0.0.1')).toBe('loopback')
    expect(classifyAddress('::1')).toBe('loopback')
    expect(classifyAddress('[::1]')).toBe('loopback')
    expect(classifyAddress('::ffff:127.0.0.1')).toBe('loopback')
    expect(classifyAddress('::ffff:7f00:1')).toBe('loopback')
    expect(classifyAddress('64:ff9b::a9fe:a9fe')).toBe('metadata')
    expect(classifyAddress('10.1.2.3')).toBe('private')
    expect(classifyAddress('172.20.0.1')).toBe('private')
    expect(classifyAddress('192.168.1.1')).toBe('private')
    expect(classifyAddress('fd12::1')).toBe('private')
    expect(classifyAddress('fe80::1')).toBe('link-local')
    expect(classifyAddress('169.254.169.254')).toBe('metadata')
    expect(classifyAddress('fd00:ec2::254')).toBe('metadata')
    expect(classifyAddress('0.0.0.0')).toBe('reserved')
    expect(classifyAddress('::')).toBe('reserved')
    expect(classifyAddress('not-an-ip')).toBe('reserved')
  })

  it('H8: IPv6 forms of non-public IPv4 and other special ranges are not public', () => {
    const notPublic: Array<[string, string]> = [
      ['::ffff:10.0.0.1', 'private'],
      ['0:0:0:0:0:ffff:7f00:1', 'loopback'],
      ['::ffff:0:127.0.0.1', 'loopback'], // SIIT
      ['::127.0.0.1', 'loopback'], // IPv4-compatible
      ['::a9fe:a9fe', 'metadata'],
      ['2002:7f00:1::', 'loopback'], // 6to4 of 127.0.0.1
      ['2002:a9fe:a9fe::1', 'metadata'],
      ['2002:c0a8:101::', 'private'],
      ['64:ff9b::10.1.2.3', 'private'], // NAT64
      ['64:ff9b:1::a00:1', 'special'], // local-use NAT64
      ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'special'], // Teredo
      ['198.18.0.1', 'special'],
      ['198.19.255.255', 'special'],
      ['192.0.0.8', 'special'],
      ['192.0.2.2', 'special'],
      ['203.0.113.9', 'special'],
      ['fec0::1', 'private'],
      ['2001:db8::1', 'special'],
      ['100::1', 'special'],
      ['4000::1', 'special'], // outside 2000::/3
      ['240.0.0.1', 'reserved'],
      ['255.255.255.255', 'reserved'],
    ]
    for (const [ip, kind] of notPublic) {
      expect(classifyAddress(ip), ip).toBe(kind)
      expect(checkUpstreamAddress(ip, tenant).ok, ip).toBe(false)
    }
    expect(classifyAddress('2002:808:808::1')).toBe('public') // 6to4 of 8.8.8.8
    expect(classifyAddress('2606:4700::1111')).toBe('public')
    expect(classifyAddress('::ffff:8.8.8.8')).toBe('public')
    expect(checkUpstreamAddress('198.18.0.1', admin).ok).toBe(true) // fake-IP DNS for admins
    expect(checkUpstreamUrl('http://[2002:7f00:1::]/', tenant).ok).toBe(false)
    expect(checkUpstreamUrl('http://[::ffff:a9fe:a9fe]/', admin).ok).toBe(false)
  })

  it('refuses metadata and reserved addresses for everyone, private ones for tenants', () => {
    expect(checkUpstreamAddress('169.254.169.254', admin).ok).toBe(false)
    expect(checkUpstreamAddress('fd00:ec2::254', admin).ok).toBe(false)
    expect(checkUpstreamAddress('0.0.0.0', admin).ok).toBe(false)
    expect(checkUpstreamAddress('127.0.0.1', admin).ok).toBe(true)
    expect(checkUpstreamAddress('127.0.0.1', tenant).ok).toBe(false)
    expect(checkUpstreamAddress('10.0.0.1', tenant).ok).toBe(false)
    expect(checkUpstreamAddress('1.1.1.1', tenant).ok).toBe(true)
  })

  it('checks base URLs: scheme, credentials, literal hosts in any spelling, localhost', () => {
    const bad = [
      'file:///etc/passwd',
      'gopher://127.0.0.1:70/',
      'ftp://example.com',
      'http://127.0.0.1:8080',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://017700000001/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://localhost:3000',
      'http://api.localhost/',
      'http://10.0.0.5/',
      'http://user:pass@example.com/',
      'not a url',
    ]
    for (const url of bad) expect(checkUpstreamUrl(url, tenant).ok, url).toBe(false)
    expect(checkUpstreamUrl('https://api.anthropic.com', tenant)).toEqual({ ok: true })
    expect(checkUpstreamUrl('https://relay.example.com/x/v1', tenant)).toEqual({ ok: true })
    expect(checkUpstreamUrl('http://127.0.0.1:8080', admin)).toEqual({ ok: true })
    expect(checkUpstreamUrl('http://169.254.169.254/', admin).ok).toBe(false)
    expect(checkUpstreamUrl('http://[fd00:ec2::254]/', admin).ok).toBe(false)
  })
})
