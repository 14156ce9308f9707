import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { dropKeys, testPrefix, upLink } from '../../test/redis-fakes'
import { startRedisRelay, type RedisRelay } from '../../test/redis-relay'
import type { RedisLink } from './connection'
import { LeaseError, RedisLeases, replicaHolderId } from './lease'

const prefix = testPrefix()
let link: RedisLink

beforeAll(async () => void (link = await upLink(prefix)))
afterAll(async () => {
  await dropKeys(link, prefix)
  await link.close()
})

describe('RedisLeases', () => {
  it('gives a free lease to one holder; the other finds it taken', async () => {
    const a = new RedisLeases(link, 'replica-a')
    const b = new RedisLeases(link, 'replica-b')
    expect(await a.acquire('one', 5000)).toBe('acquired')
    expect(await b.acquire('one', 5000)).toBe('taken')
    expect(await link.client.get(`${prefix}one`)).toBe('replica-a')
    const ttl = await link.client.pttl(`${prefix}one`)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(5000)
    // Taking one's own lease again extends it rather than locking oneself out.
    expect(await a.acquire('one', 60_000)).toBe('acquired')
    expect(await link.client.pttl(`${prefix}one`)).toBeGreaterThan(5000)
  })

  it('renews only its own lease, and says lost when it is gone', async () => {
    const a = new RedisLeases(link, 'replica-a')
    const b = new RedisLeases(link, 'replica-b')
    expect(await a.acquire('two', 1000)).toBe('acquired')
    expect(await b.renew('two', 60_000)).toBe('lost')
    expect(await link.client.pttl(`${prefix}two`)).toBeLessThanOrEqual(1000)
    expect(await a.renew('two', 60_000)).toBe('renewed')
    expect(await link.client.pttl(`${prefix}two`)).toBeGreaterThan(1000)
    // A Redis that restarted has no keys: the holder's renew fails, its acquire takes it back.
    await link.client.del(`${prefix}two`)
    expect(await a.renew('two', 1000)).toBe('lost')
    expect(await link.client.exists(`${prefix}two`)).toBe(0)
    expect(await a.acquire('two', 1000)).toBe('acquired')
  })

  it('releases only its own lease, after which another takes it at once', async () => {
    const a = new RedisLeases(link, 'replica-a')
    const b = new RedisLeases(link, 'replica-b')
    expect(await a.acquire('three', 60_000)).toBe('acquired')
    expect(await b.release('three')).toBe('not_held')
    expect(await link.client.get(`${prefix}three`)).toBe('replica-a')
    expect(await a.release('three')).toBe('released')
    expect(await a.release('three')).toBe('not_held')
    expect(await b.acquire('three', 60_000)).toBe('acquired')
  })

  it('frees a lease nobody renews when its TTL ends', async () => {
    const a = new RedisLeases(link, 'replica-a')
    const b = new RedisLeases(link, 'replica-b')
    expect(await a.acquire('four', 100)).toBe('acquired')
    expect(await b.acquire('four', 100)).toBe('taken')
    await vi.waitFor(async () => expect(await b.acquire('four', 5000)).toBe('acquired'), {
      timeout: 3000,
      interval: 25,
    })
    expect(await a.renew('four', 5000)).toBe('lost')
  })

  it('takes a lease from its holder on request; the holder then fails to renew', async () => {
    const a = new RedisLeases(link, 'replica-a')
    const b = new RedisLeases(link, 'replica-b')
    expect(await a.acquire('five', 60_000)).toBe('acquired')
    expect(await b.take('five', 60_000)).toBe('acquired')
    expect(await a.renew('five', 60_000)).toBe('lost')
    expect(await a.release('five')).toBe('not_held')
    expect(await link.client.get(`${prefix}five`)).toBe('replica-b')
  })

  it('refuses a bad TTL or holder with a closed code', async () => {
    const a = new RedisLeases(link, 'replica-a')
    await expect(a.acquire('six', 0)).rejects.toBeInstanceOf(LeaseError)
    await expect(a.renew('six', 1.5)).rejects.toMatchObject({ code: 'invalid_ttl' })
    expect(() => new RedisLeases(link, '')).toThrow(LeaseError)
    expect(await link.client.exists(`${prefix}six`)).toBe(0)
  })

  it('gives every replica its own holder id', () => {
    const ids = new Set([replicaHolderId(), replicaHolderId()])
    expect(ids.size).toBe(2)
    expect([...ids][0]).toContain(`:${process.pid}:`)
  })
})

describe('RedisLeases without Redis', () => {
  let relay: RedisRelay
  beforeAll(async () => void (relay = await startRedisRelay()))
  afterAll(async () => relay.close())

  it('answers down at once while the link is down, and works again when it is back', async () => {
    const cut = await upLink(prefix, relay.url(), { maxRetryDelayMs: 100 })
    try {
      const leases = new RedisLeases(cut, 'replica-a')
      expect(await leases.acquire('seven', 60_000)).toBe('acquired')
      await relay.cut()
      await vi.waitFor(() => expect(cut.up).toBe(false), { timeout: 2000, interval: 10 })
      const started = performance.now()
      expect(await leases.acquire('seven', 60_000)).toBe('down')
      expect(await leases.renew('seven', 60_000)).toBe('down')
      expect(await leases.take('seven', 60_000)).toBe('down')
      expect(await leases.release('seven')).toBe('down')
      // Nothing waited on Redis (generous bound: four calls that never leave the process).
      expect(performance.now() - started).toBeLessThan(500)
      await relay.restore()
      expect(await cut.whenUp(5000)).toBe(true)
      expect(await leases.renew('seven', 60_000)).toBe('renewed')
      expect(await leases.release('seven')).toBe('released')
    } finally {
      await cut.close()
    }
  })

  it('answers down when a command times out on a stalled connection', async () => {
    await relay.restore()
    const stalled = await upLink(prefix, relay.url(), { maxRetryDelayMs: 100 })
    try {
      const leases = new RedisLeases(stalled, 'replica-a')
      relay.stall()
      expect(await leases.acquire('eight', 60_000)).toBe('down')
    } finally {
      await stalled.close()
      await relay.restore()
    }
  })
})
