import { describe, expect, it } from 'vitest'
import { classifyUpstreamOutcome } from '../classify/classify'
import { CoreError } from '../errors'
import { fakeClock, must, node } from '../test-support/fixtures'
import type { TransitionEvent } from '../types'
import { isAvailable, soonestCoolingEnd } from './availability'
import { effectiveStatus, initialHealth } from './health-record'
import { NodeHealthMachine } from './state-machine'

const setup = (failThreshold: number | ((a: string) => number) = 3) => {
  const clock = fakeClock()
  const events: TransitionEvent[] = []
  const m = new NodeHealthMachine({ clock, failThreshold, onTransition: (e) => events.push(e) })
  m.upsert(node('a'))
  m.upsert(node('b'))
  return { clock, events, m, h: () => must(m.get('a')).health }
}
const failure = { nodeEffect: 'failure', reason: 'server_error', detail: 'http_503' } as const
const success = { nodeEffect: 'success', reason: 'ok' } as const

describe('NodeHealthMachine', () => {
  it('threshold consecutive failures make a node failed, with one event', () => {
    const { m, events, h } = setup(3)
    expect(m.apply('a', failure)).toBeUndefined()
    expect(m.apply('a', failure)).toBeUndefined()
    const e = m.apply('a', failure)
    expect(e).toMatchObject({
      nodeId: 'a',
      accountId: 'acme',
      from: 'healthy',
      to: 'failed',
      reason: 'server_error: http_503',
    })
    expect(events).toHaveLength(1)
    expect(h()).toMatchObject({
      status: 'failed',
      consecutiveFailures: 3,
      failReason: 'server_error: http_503',
    })
  })
  it('50 racing failures give exactly one transition event (F14)', async () => {
    const { m, events } = setup(3)
    await Promise.all(Array.from({ length: 50 }, async () => m.apply('a', failure)))
    expect(events).toHaveLength(1)
    expect(must(m.get('a')).health.consecutiveFailures).toBe(50)
  })
  it('a success resets the streak (F9)', () => {
    const { m, events, h } = setup(2)
    for (let i = 0; i < 10; i++) {
      m.apply('a', failure)
      m.apply('a', success)
    }
    expect(events).toHaveLength(0)
    expect(h()).toMatchObject({ status: 'healthy', consecutiveFailures: 0 })
  })
  it('fail_now fails at once and keeps the reason; later failures update it silently', () => {
    const { m, events, h } = setup()
    const d = classifyUpstreamOutcome({ kind: 'response', status: 401 }, { now: 0 })
    expect(m.apply('a', d)?.reason).toBe('auth_failed: http_401')
    m.apply('a', { nodeEffect: 'fail_now', reason: 'spend_limit' })
    m.apply('a', failure)
    expect(events).toHaveLength(1)
    expect(h().failReason).toBe('server_error: http_503')
  })
  it('a cooldown rests the node without counting a failure, then it is available again', () => {
    const { m, clock, events, h } = setup()
    m.apply('a', failure)
    expect(
      m.apply('a', {
        nodeEffect: 'cooldown',
        cooldownUntil: clock.now() + 30_000,
        reason: 'rate_limited',
      })?.to,
    ).toBe('cooling')
    expect(h().consecutiveFailures).toBe(1)
    expect(isAvailable(h(), clock.now())).toBe(false)
    // A second cooldown only extends it, without an event.
    m.apply('a', {
      nodeEffect: 'cooldown',
      cooldownUntil: clock.now() + 40_000,
      reason: 'rate_limited',
    })
    m.apply('a', {
      nodeEffect: 'cooldown',
      cooldownUntil: clock.now() + 1_000,
      reason: 'overloaded',
    })
    expect(h().coolingUntil).toBe(clock.now() + 40_000)
    expect(events).toHaveLength(1)
    clock.advance(40_000)
    expect(isAvailable(h(), clock.now())).toBe(true)
    expect(m.expireCooldowns()).toEqual([
      expect.objectContaining({ from: 'cooling', to: 'healthy', reason: 'cooldown over' }),
    ])
    expect(m.expireCooldowns()).toEqual([])
  })
  it('a success lifts an expired cooldown but not a running one', () => {
    const { m, clock, h } = setup()
    m.apply('a', {
      nodeEffect: 'cooldown',
      cooldownUntil: clock.now() + 10_000,
      reason: 'overloaded',
    })
    expect(m.apply('a', success)).toBeUndefined()
    expect(h().status).toBe('cooling')
    clock.advance(10_000)
    expect(m.apply('a', success)?.to).toBe('healthy')
  })
  it('failures while cooling can still fail the node', () => {
    const { m, clock } = setup(2)
    m.apply('a', {
      nodeEffect: 'cooldown',
      cooldownUntil: clock.now() + 10_000,
      reason: 'overloaded',
    })
    m.apply('a', failure)
    expect(m.apply('a', failure)).toMatchObject({ from: 'cooling', to: 'failed' })
  })
  it('a success restores a failed node, unless the attempt started before the failure', () => {
    const { m, clock, h } = setup(1)
    const startedAt = clock.now()
    clock.advance(100)
    m.apply('a', failure)
    expect(m.apply('a', success, startedAt)).toBeUndefined()
    expect(h().status).toBe('failed')
    clock.advance(100)
    expect(m.apply('a', success, clock.now())).toMatchObject({
      from: 'failed',
      to: 'healthy',
      reason: 'recovered',
    })
    expect(h().failReason).toBeNull()
  })
  it('one passing probe restores a failed node; failing probes count, 401 fails at once', () => {
    const { m, clock, h } = setup(2)
    m.apply('a', { nodeEffect: 'fail_now', reason: 'auth_failed' })
    expect(m.recordProbe('a', failure)).toBeUndefined()
    expect(h().lastProbeAt).toBe(clock.now())
    expect(m.recordProbe('a', { nodeEffect: 'none', reason: 'client_error' })).toMatchObject({
      to: 'healthy',
      reason: 'probe passed',
    })
    expect(m.recordProbe('a', success)).toBeUndefined()
    expect(m.recordProbe('a', failure)).toBeUndefined()
    expect(m.recordProbe('a', failure)?.to).toBe('failed')
    m.apply('b', {
      nodeEffect: 'cooldown',
      cooldownUntil: clock.now() + 5000,
      reason: 'overloaded',
    })
    expect(m.recordProbe('b', success)?.to).toBe('healthy')
    expect(m.recordProbe('b', { nodeEffect: 'fail_now', reason: 'auth_failed' })?.to).toBe('failed')
  })
  it('disable and enable are transitions; a disabled node ignores outcomes', () => {
    const { m, events, h } = setup(1)
    expect(m.disable('a')?.to).toBe('disabled')
    expect(m.disable('a')).toBeUndefined()
    m.apply('a', failure)
    m.apply('a', { nodeEffect: 'fail_now', reason: 'auth_failed' })
    m.apply('a', { nodeEffect: 'cooldown', cooldownUntil: 0, reason: 'x' })
    expect(h().status).toBe('disabled')
    expect(m.enable('a')).toMatchObject({ from: 'disabled', to: 'healthy' })
    expect(m.enable('a')).toBeUndefined()
    expect(h().consecutiveFailures).toBe(0)
    expect(events.map((e) => e.to)).toEqual(['disabled', 'healthy'])
  })
  it('upsert keeps health, follows the disabled flag and moves tenants', () => {
    const { m, h } = setup(1)
    m.apply('a', failure)
    m.upsert(node('a', { name: 'renamed' }))
    expect(must(m.get('a')).node.name).toBe('renamed')
    expect(h().status).toBe('failed')
    expect(m.upsert(node('a', { disabled: true }))?.to).toBe('disabled')
    expect(m.upsert(node('a', { disabled: false }))?.to).toBe('healthy')
    m.upsert(node('a', { accountId: 'beta' }))
    expect(m.pool('beta').map((e) => e.node.id)).toEqual(['a'])
    expect(m.pool('acme').map((e) => e.node.id)).toEqual(['b'])
    m.remove('a')
    m.remove('a')
    expect(m.pool('beta')).toEqual([])
    expect(m.get('a')).toBeUndefined()
    expect([...m.entries()]).toHaveLength(1)
  })
  it('restores persisted state at start (state survives restarts) and from other replicas', () => {
    const clock = fakeClock()
    const m = new NodeHealthMachine({ clock })
    m.upsert(node('a'), { status: 'failed', failReason: 'auth_failed', lastFailureAt: 5 })
    m.upsert(node('d', { disabled: true }))
    m.upsert(node('e'), { status: 'disabled' })
    expect(must(m.get('a')).health).toMatchObject({
      status: 'failed',
      failReason: 'auth_failed',
      inFlight: 0,
    })
    expect(must(m.get('d')).health.status).toBe('disabled')
    expect(must(m.get('e')).health.status).toBe('healthy')
    m.acquire('a')
    m.restore('a', { status: 'healthy', failReason: null })
    expect(must(m.get('a')).health).toMatchObject({ status: 'healthy', inFlight: 1 })
    m.restore('zzz', {})
  })
  it('counts in-flight attempts, never below zero, and ignores unknown nodes', () => {
    const { m, h } = setup()
    m.acquire('a')
    m.acquire('a')
    m.release('a')
    m.release('a')
    m.release('a')
    expect(h().inFlight).toBe(0)
    m.acquire('zzz')
    m.release('zzz')
    expect(m.apply('zzz', failure)).toBeUndefined()
    expect(m.recordProbe('zzz', success)).toBeUndefined()
    expect(m.disable('zzz')).toBeUndefined()
    expect(m.enable('zzz')).toBeUndefined()
    expect(m.apply('a', { nodeEffect: 'none', reason: 'client_error' })).toBeUndefined()
  })
  it('takes a per-tenant threshold and refuses a bad one', () => {
    const { m } = setup((account) => (account === 'acme' ? 1 : 5))
    expect(m.apply('a', failure)?.to).toBe('failed')
    expect(() => new NodeHealthMachine({ clock: fakeClock(), failThreshold: 0 })).toThrow(CoreError)
  })
  it('soonestCoolingEnd finds the earliest running cooldown of a tenant', () => {
    const { m, clock } = setup()
    expect(soonestCoolingEnd(m.pool('acme'), 'acme', clock.now())).toBeUndefined()
    m.apply('a', {
      nodeEffect: 'cooldown',
      cooldownUntil: clock.now() + 9000,
      reason: 'rate_limited',
    })
    m.apply('b', {
      nodeEffect: 'cooldown',
      cooldownUntil: clock.now() + 4000,
      reason: 'rate_limited',
    })
    expect(soonestCoolingEnd(m.pool('acme'), 'acme', clock.now())).toBe(clock.now() + 4000)
    expect(soonestCoolingEnd(m.pool('acme'), 'beta', clock.now())).toBeUndefined()
  })
})

describe('effectiveStatus', () => {
  it('shows a finished cooldown as healthy', () => {
    const h = { ...initialHealth(), status: 'cooling' as const, coolingUntil: 5 }
    expect(effectiveStatus(h, 4)).toBe('cooling')
    expect(effectiveStatus(h, 5)).toBe('healthy')
    expect(effectiveStatus({ ...h, coolingUntil: null }, 0)).toBe('healthy')
    expect(effectiveStatus(initialHealth(true), 0)).toBe('disabled')
  })
})
