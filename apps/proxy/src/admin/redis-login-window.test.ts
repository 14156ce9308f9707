import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropKeys, testPrefix, upLink } from '../../test/redis-fakes'
import { startRedisRelay, type RedisRelay } from '../../test/redis-relay'
import { pollUntil } from '../../test/wait'
import {
  LOGIN_THROTTLE_DEFAULTS,
  LoginThrottle,
  type Admission,
  type LoginThrottleOptions,
} from './throttle'
import type { RedisLink } from '../redis/connection'
import { RedisLoginWindow } from './redis-login-window'

const MIN = 60_000
const prefix = testPrefix()
const links: RedisLink[] = []
let a: RedisLink
let b: RedisLink
let relay: RedisRelay

beforeAll(async () => {
  a = await upLink(prefix)
  b = await upLink(prefix)
  relay = await startRedisRelay()
  links.push(a, b)
})
afterAll(async () => {
  await dropKeys(a, prefix)
  for (const link of links) await link.close()
  await relay?.close()
})

/** A throttle per replica, each on its own link, on one hand-moved clock (§9's numbers). */
function replicas(
  overrides: Partial<LoginThrottleOptions> = {},
  pendingMs?: number,
  on: readonly [RedisLink, RedisLink] = [a, b],
) {
  const clock = { t: Date.now() }
  const options = { ...LOGIN_THROTTLE_DEFAULTS, ...overrides }
  const make = (link: RedisLink) =>
    new LoginThrottle(
      options,
      () => clock.t,
      new RedisLoginWindow({ link, limits: options, pendingMs }),
    )
  return { t1: make(on[0]), t2: make(on[1]), clock }
}

function ticket(admission: Admission) {
  if (!admission.ok) throw new Error(`refused: ${admission.reason}`)
  return admission.ticket
}
const fail = async (t: LoginThrottle, account: string, address: string, n: number) => {
  for (let i = 0; i < n; i++) await ticket(await t.admit(account, address)).failed()
}
/** A fresh address per test, so tests sharing the prefix never share a window. */
let next = 0
const address = () => `203.0.113.${++next}`

describe('login throttle across replicas (docs/contract.md §11)', () => {
  it('counts failures on one replica on the other', async () => {
    const { t1, t2 } = replicas()
    const from = address()
    await fail(t1, 'admin', from, 4)
    await ticket(await t2.admit('admin', from)).abandoned() // the fifth try, on the other one
    const { t1: u1, t2: u2 } = replicas()
    const there = address()
    await fail(u1, 'admin', there, 4)
    await fail(u2, 'admin', there, 1)
    expect(await u1.admit('ADMIN', there)).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 15 * MIN,
    })
    expect(await u2.admit('admin', there)).toMatchObject({ ok: false, reason: 'locked' })
  })

  it('locks a pair after 5 failures spread over both, for 15 minutes from the oldest', async () => {
    const { t1, t2, clock } = replicas()
    const from = address()
    for (let i = 0; i < 5; i++) {
      await fail(i % 2 ? t2 : t1, 'admin', from, 1)
      clock.t += MIN
    }
    // The oldest failure is 5 minutes old: the lock ends 10 minutes from now, on either replica.
    for (const t of [t1, t2])
      expect(await t.admit('admin', from)).toEqual({
        ok: false,
        reason: 'locked',
        retryAfterMs: 10 * MIN,
      })
    // Never the account elsewhere.
    await ticket(await t2.admit('admin', address())).succeeded()
    clock.t += 10 * MIN
    expect((await t1.admit('admin', from)).ok).toBe(true)
  })

  it('locks an address after 20 failures over any accounts and replicas', async () => {
    const { t1, t2, clock } = replicas()
    const from = address()
    for (let i = 0; i < 20; i++) await fail(i % 2 ? t2 : t1, `spray-${i}`, from, 1)
    expect(await t1.admit('someone', from)).toMatchObject({ reason: 'locked' })
    expect((await t2.admit('someone', address())).ok).toBe(true)
    clock.t += 15 * MIN
    expect((await t2.admit('someone', from)).ok).toBe(true)
  })

  it('counts attempts still being checked on another replica, until they end', async () => {
    const { t1, t2 } = replicas({ maxConcurrent: 10 })
    const from = address()
    const pending = await Promise.all(Array.from({ length: 5 }, () => t1.admit('admin', from)))
    expect(pending.every((p) => p.ok)).toBe(true)
    expect(await t2.admit('admin', from)).toEqual({
      ok: false,
      reason: 'busy',
      retryAfterMs: 1000,
    })
    for (const p of pending) await ticket(p).failed()
    expect(await t2.admit('admin', from)).toMatchObject({ ok: false, reason: 'locked' })
    expect(t1.inFlight).toBe(0)
    expect(t2.inFlight).toBe(0)
  })

  it('an attempt nobody ends (its replica died) stops counting after the pending bound', async () => {
    const { t1: dead, t2: live, clock } = replicas({ maxConcurrent: 10 }, 60_000)
    const from = address()
    for (let i = 0; i < 5; i++) expect((await dead.admit('admin', from)).ok).toBe(true)
    expect(await live.admit('admin', from)).toMatchObject({ ok: false, reason: 'busy' })
    clock.t += 60_000
    expect((await live.admit('admin', from)).ok).toBe(true)
  })

  it('a success on one replica clears the pair on both, not the address', async () => {
    const { t1, t2 } = replicas()
    const from = address()
    await fail(t1, 'admin', from, 4)
    await ticket(await t2.admit('Admin', from)).succeeded()
    await fail(t2, 'admin', from, 4)
    await ticket(await t1.admit('admin', from)).abandoned()
    // The address kept all 8 failures: 12 more lock it.
    const { t1: v1 } = replicas()
    for (let i = 0; i < 12; i++) await fail(v1, `other-${i}`, from, 1)
    expect(await v1.admit('someone', from)).toMatchObject({ reason: 'locked' })
  })

  it('keeps soft state under the prefix, with a TTL, and no name or address as typed', async () => {
    const { t1 } = replicas()
    const from = address()
    await fail(t1, 'secret-looking-name', from, 1)
    const keys = await a.client.keys(`${prefix}login:*`)
    expect(keys.length).toBeGreaterThan(0)
    expect(keys.some((k) => k.includes('secret-looking-name') || k.includes(from))).toBe(false)
    for (const key of keys) {
      const ttl = await a.client.pttl(key)
      expect(ttl, key).toBeGreaterThan(0)
      expect(ttl, key).toBeLessThanOrEqual(15 * MIN)
    }
  })
})

describe('login throttle while Redis is away', () => {
  it('falls back to this process at once, knowing its own failures, and never throws', async () => {
    const cut = await upLink(prefix, relay.url(), { maxRetryDelayMs: 100 })
    links.push(cut)
    const { t1, t2: other } = replicas({}, undefined, [cut, a])
    const from = address()
    await fail(t1, 'admin', from, 3)
    await relay.cut()
    const started = Date.now()
    // Right after the cut (the link may not know yet) and once it does: local answers only.
    await fail(t1, 'admin', from, 1)
    await pollUntil('link down', () => !cut.up, { timeoutMs: 5000, intervalMs: 10 })
    await fail(t1, 'admin', from, 1)
    expect(await t1.admit('admin', from)).toMatchObject({ ok: false, reason: 'locked' })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(t1.inFlight).toBe(0)
    // Redis saw only the three made while it was reachable; and counts there again once back.
    await ticket(await other.admit('admin', from)).abandoned()
    await relay.restore()
    expect(await cut.whenUp(5000)).toBe(true)
    await fail(other, 'admin', from, 2)
    expect(await t1.admit('admin', from)).toMatchObject({ ok: false, reason: 'locked' })
  })
})
