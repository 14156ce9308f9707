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
