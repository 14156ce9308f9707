import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { dropKeys, testPrefix, upLink } from '../../test/redis-fakes'
import { startRedisRelay } from '../../test/redis-relay'
import type { RedisLink } from '../redis/connection'
import { RedisLeases } from '../redis/lease'
import { createProbeClaim, probeLeaseMs } from './probe-lease'

const prefix = testPrefix()
let link: RedisLink

beforeAll(async () => void (link = await upLink(prefix)))
afterAll(async () => {
  await dropKeys(link, prefix)
  await link.close()
})

describe('probeLeaseMs', () => {
  it('lasts just under the interval: a tenth less, at most a second less', () => {
    expect(probeLeaseMs(30_000)).toBe(29_000)
    expect(probeLeaseMs(300_000)).toBe(299_000)
    expect(probeLeaseMs(5000)).toBe(4500)
    expect(probeLeaseMs(300)).toBe(270)
    expect(probeLeaseMs(1)).toBe(1)
  })
})

describe('createProbeClaim', () => {
  it('lets one replica have a probe per interval, with a key per node and kind', async () => {
    const a = createProbeClaim(new RedisLeases(link, 'replica-a'))
    const b = createProbeClaim(new RedisLeases(link, 'replica-b'))
    expect(await a('n1', 'recovery', 30_000)).toBe(true)
    expect(await b('n1', 'recovery', 30_000)).toBe(false)
    // A sweep and another node are leases of their own.
    expect(await b('n1', 'sweep', 300_000)).toBe(true)
    expect(await b('n2', 'recovery', 30_000)).toBe(true)
    expect(await link.client.get(`${prefix}probe:n1:recovery`)).toBe('replica-a')
    const ttl = await link.client.pttl(`${prefix}probe:n1:recovery`)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(29_000)
  })

  it('the other replica gets the next interval once the lease ran out', async () => {
    const a = createProbeClaim(new RedisLeases(link, 'replica-a'))
    const b = createProbeClaim(new RedisLeases(link, 'replica-b'))
    expect(await a('n3', 'recovery', 200)).toBe(true)
    expect(await b('n3', 'recovery', 200)).toBe(false)
    await vi.waitFor(async () => expect(await b('n3', 'recovery', 200)).toBe(true), {
      timeout: 3000,
      interval: 20,
    })
  })

  it('says probe while Redis is down: a probe too many is better than none', async () => {
    const relay = await startRedisRelay()
    const cut = await upLink(prefix, relay.url(), { maxRetryDelayMs: 100 })
    try {
      const a = createProbeClaim(new RedisLeases(cut, 'replica-a'))
      const b = createProbeClaim(new RedisLeases(cut, 'replica-b'))
      await relay.cut()
      await vi.waitFor(() => expect(cut.up).toBe(false), { timeout: 2000, interval: 10 })
      expect(await a('n4', 'recovery', 30_000)).toBe(true)
      expect(await b('n4', 'recovery', 30_000)).toBe(true)
      expect(await link.client.exists(`${prefix}probe:n4:recovery`)).toBe(0)
    } finally {
      await cut.close()
      await relay.close()
    }
  })
})
