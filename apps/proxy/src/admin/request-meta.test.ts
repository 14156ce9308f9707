import { describe, expect, it } from 'vitest'
import { loadEnv } from '../env'
import { TrustedProxies } from './request-meta'
import { LoginThrottle } from './throttle'

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

describe('login throttle', () => {
  const options = {
    threshold: 3,
    baseLockMs: 1000,
    maxLockMs: 8000,
    forgetAfterMs: 60_000,
    maxKeys: 2,
  }

  it('locks after the threshold, doubling per further failure up to the cap', () => {
    const t = new LoginThrottle(options)
    for (let i = 0; i < 2; i++) t.fail('k', 0)
    expect(t.waitMs('k', 0)).toBe(0)
    t.fail('k', 0)
    expect(t.waitMs('k', 0)).toBe(1000)
    t.fail('k', 1000)
    expect(t.waitMs('k', 1000)).toBe(2000)
    for (let i = 0; i < 10; i++) t.fail('k', 3000)
    expect(t.waitMs('k', 3000)).toBe(8000)
  })

  it('forgets quiet keys, resets on success and bounds its memory', () => {
    const t = new LoginThrottle(options)
    for (let i = 0; i < 3; i++) t.fail('a', 0)
    expect(t.waitMs('a', 61_001)).toBe(0)
    for (let i = 0; i < 3; i++) t.fail('b', 0)
    t.reset('b')
    expect(t.waitMs('b', 0)).toBe(0)
    for (const k of ['x', 'y', 'z']) for (let i = 0; i < 3; i++) t.fail(k, 0)
    expect(t.waitMs('x', 0)).toBe(0) // evicted: the oldest goes first
    expect(t.waitMs('z', 0)).toBe(1000)
  })
})
