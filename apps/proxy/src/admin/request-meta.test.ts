import { describe, expect, it } from 'vitest'
import { loadEnv } from '../env'
import { TrustedProxies } from './request-meta'

describe('trusted proxies', () => {
  it('matches addresses and ranges, IPv4-mapped peers included', () => {
    const trusted = new TrustedProxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8'])
    expect(trusted.has('127.0.0.1')).toBe(true)
    expect(trusted.has('::ffff:127.0.0.1')).toBe(true)
    expect(trusted.has('10.200.1.1')).toBe(true)
    expect(trusted.has('fd00::5')).toBe(true)
    expect(trusted.has('192.168.1.1')).toBe(false)
    expect(trusted.has('')).toBe(false)
    expect(new TrustedProxies([]).has('127.0.0.1')).toBe(false)
  })

  it('refuses a bad PROXY_TRUSTED_PROXIES at start-up, naming it', () => {
    expect(
      loadEnv({ PROXY_TRUSTED_PROXIES: '10.0.0.1, 10.0.0.0/8' }).PROXY_TRUSTED_PROXIES,
    ).toEqual(['10.0.0.1', '10.0.0.0/8'])
    for (const bad of ['proxy.local', '10.0.0.0/33', '10.0.0.1/8/1', '::1/129']) {
      expect(() => loadEnv({ PROXY_TRUSTED_PROXIES: bad }), bad).toThrow(/PROXY_TRUSTED_PROXIES/)
    }
  })
})
