import { describe, expect, it } from 'vitest'
import {
  LOGIN_THROTTLE_DEFAULTS,
  LoginThrottle,
  MemoryLoginWindow,
  type Admission,
  type LoginWindow,
} from './throttle'

const MIN = 60_000

/** A throttle on a hand-moved clock, with docs/contract.md §9's numbers unless overridden. */
function throttle(overrides: Partial<typeof LOGIN_THROTTLE_DEFAULTS> = {}) {
  const clock = { t: 1_000_000 }
  const t = new LoginThrottle({ ...LOGIN_THROTTLE_DEFAULTS, ...overrides }, () => clock.t)
  return { t, clock }
}

function ticket(a: Admission) {
  if (!a.ok) throw new Error(`refused: ${a.reason}`)
  return a.ticket
}

const fail = async (t: LoginThrottle, account: string, address: string, n: number) => {
  for (let i = 0; i < n; i++) await ticket(await t.admit(account, address)).failed()
}

describe('login throttle', () => {
  it('H4: counts an attempt before the check, so parallel attempts cannot all get in', async () => {
    const { t } = throttle({ maxConcurrent: 100 })
    const admitted = await Promise.all(
      Array.from({ length: 40 }, () => t.admit('admin', '203.0.113.9')),
    )
    expect(admitted.filter((a) => a.ok)).toHaveLength(5)
    const refused = admitted.filter((a) => !a.ok)
    // The first five are still being checked: the rest wait a moment, not a lockout.
    expect(refused.every((a) => !a.ok && a.reason === 'busy' && a.retryAfterMs > 0)).toBe(true)
    for (const a of admitted) if (a.ok) await a.ticket.failed()
    const after = await t.admit('admin', '203.0.113.9')
    expect(after).toMatchObject({ ok: false, reason: 'locked' })
  })

  it('H4: runs at most 4 checks at once, whoever asks', async () => {
    const { t } = throttle()
    const admitted = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.admit(`user-${i}`, `198.51.100.${i}`)),
    )
    expect(admitted.filter((a) => a.ok)).toHaveLength(4)
    expect(t.inFlight).toBe(4)
    expect(admitted[4]).toEqual({ ok: false, reason: 'busy', retryAfterMs: 1000 })
    await ticket(admitted[0] as Admission).succeeded()
    expect(t.inFlight).toBe(3)
    expect((await t.admit('user-9', '198.51.100.9')).ok).toBe(true)
  })

  it('H4: locks the pair after 5 failures in 15 minutes, never the account elsewhere', async () => {
    const { t, clock } = throttle()
    await fail(t, 'admin', '203.0.113.9', 4)
    expect((await t.admit('admin', '203.0.113.9')).ok).toBe(true) // the fifth try is still allowed
    const { t: t2, clock: c2 } = throttle()
    await fail(t2, 'admin', '203.0.113.9', 5)
    const locked = await t2.admit('Admin', '203.0.113.9') // names compare case-insensitively
    expect(locked).toEqual({ ok: false, reason: 'locked', retryAfterMs: 15 * MIN })
    // The owner from another address is not refused, and the lock does not spread.
    const owner = ticket(await t2.admit('admin', '198.51.100.7'))
    await owner.succeeded()
    // Refused attempts do not extend the lock; it ends when the oldest failure leaves the window.
    c2.t += 10 * MIN
    expect(await t2.admit('admin', '203.0.113.9')).toMatchObject({ retryAfterMs: 5 * MIN })
    c2.t += 5 * MIN
    expect((await t2.admit('admin', '203.0.113.9')).ok).toBe(true)
    expect(clock.t).toBe(1_000_000)
  })

  it('H4: spreads failures over time: only 5 within any 15 minutes lock', async () => {
    const { t, clock } = throttle()
    for (let i = 0; i < 12; i++) {
      await ticket(await t.admit('admin', '203.0.113.9')).failed()
      clock.t += 4 * MIN // at most 4 failures in any 15-minute window
      const next = await t.admit('admin', '203.0.113.9')
      expect(next.ok, `round ${i}`).toBe(true)
      await ticket(next).abandoned()
    }
    expect(t.inFlight).toBe(0)
  })

  it('H4: locks an address after 20 failures over any accounts', async () => {
    const { t, clock } = throttle()
    for (let i = 0; i < 20; i++) await fail(t, `spray-${i}`, '203.0.113.9', 1)
    expect(await t.admit('someone-else', '203.0.113.9')).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 15 * MIN,
    })
    expect((await t.admit('someone-else', '203.0.113.10')).ok).toBe(true)
    clock.t += 15 * MIN
    expect((await t.admit('someone-else', '203.0.113.9')).ok).toBe(true)
  })

  it('H4: a success clears the pair, not the address; a store error counts nothing', async () => {
    const { t } = throttle({ maxConcurrent: 100 })
    await fail(t, 'admin', '203.0.113.9', 4)
    await ticket(await t.admit('admin', '203.0.113.9')).succeeded()
    await fail(t, 'admin', '203.0.113.9', 4)
    expect((await t.admit('admin', '203.0.113.9')).ok).toBe(true) // 4 + 1 in flight: still allowed
    const { t: t2 } = throttle()
    for (let i = 0; i < 10; i++) await ticket(await t2.admit('admin', '203.0.113.9')).abandoned()
    expect(t2.inFlight).toBe(0)
    expect((await t2.admit('admin', '203.0.113.9')).ok).toBe(true)
    // Ending a ticket twice counts once.
    const { t: t3 } = throttle()
    const once = ticket(await t3.admit('a', 'b'))
    await once.failed()
    await once.failed()
    await once.succeeded()
    await fail(t3, 'a', 'b', 3)
    expect((await t3.admit('a', 'b')).ok).toBe(true)
  })

  it('bounds its memory: the oldest keys are dropped first', async () => {
    const { t } = throttle({ maxKeys: 3 })
    await fail(t, 'a', '10.0.0.1', 5)
    for (const address of ['10.0.0.2', '10.0.0.3', '10.0.0.4']) await fail(t, 'a', address, 1)
    expect((await t.admit('a', '10.0.0.1')).ok).toBe(true) // evicted
    const { t: t2 } = throttle({ maxKeys: 3 })
    await fail(t2, 'a', '10.0.0.1', 5)
    expect((await t2.admit('a', '10.0.0.1')).ok).toBe(false)
  })

  it('takes a slot before the window answers, and a full process asks the window nothing', async () => {
    const inner = new MemoryLoginWindow(LOGIN_THROTTLE_DEFAULTS)
    const asked: string[] = []
    // A window that answers a turn later, as Redis does.
    const slow: LoginWindow = {
      async begin(pairKey, address, now) {
        asked.push(address)
        await Promise.resolve()
        return inner.begin(pairKey, address, now)
      },
    }
    const t = new LoginThrottle(LOGIN_THROTTLE_DEFAULTS, () => 1_000_000, slow)
    const admitted = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.admit(`user-${i}`, `198.51.100.${i}`)),
    )
    expect(admitted.filter((a) => a.ok)).toHaveLength(4)
    expect(asked).toHaveLength(4)
    expect(admitted[9]).toEqual({ ok: false, reason: 'busy', retryAfterMs: 1000 })
    for (const a of admitted) if (a.ok) await a.ticket.abandoned()
    expect(t.inFlight).toBe(0)
  })

  it('gives the slot back when the window refuses', async () => {
    const { t } = throttle()
    await fail(t, 'admin', '203.0.113.9', 5)
    for (let i = 0; i < 6; i++)
      expect(await t.admit('admin', '203.0.113.9')).toMatchObject({ reason: 'locked' })
    expect(t.inFlight).toBe(0)
    expect((await t.admit('admin', '198.51.100.1')).ok).toBe(true)
  })
})
