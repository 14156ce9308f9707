import { NodeHealthMachine, ProbeSchedule, type NodeConfig } from '@qcc/core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { dropKeys, testPrefix, upLink } from '../../test/redis-fakes'
import { startRedisRelay, type RedisRelay } from '../../test/redis-relay'
import { EventBus } from '../events/bus'
import { createLogger } from '../observability/logger'
import type { RedisLink } from '../redis/connection'
import { RedisLeases } from '../redis/lease'
import { createProbeClaim } from './probe-lease'
import { HealthScheduler, type ProbeClaim } from './scheduler'

/** The schedule's recovery interval; the probe lease lasts just under it, in Redis's real time. */
const INTERVAL_MS = 300
const START = 1_000_000
const prefix = testPrefix()
let link: RedisLink
let relay: RedisRelay

const node: NodeConfig = {
  id: 'n1',
  accountId: 'acme',
  name: 'n1',
  baseUrl: 'https://n1.example',
  weight: 1,
  disabled: false,
  healthCheckMethod: 'api',
}

/** One replica: its own health machine and schedule on the shared fake clock, a failed node. */
function replica(clock: { now: () => number }, claim?: ProbeClaim) {
  const machine = new NodeHealthMachine({ clock, failThreshold: 1 })
  machine.upsert(node)
  machine.apply(node.id, { nodeEffect: 'fail_now', reason: 'connect_error' })
  const probes = { count: 0 }
  const scheduler = new HealthScheduler({
    machine,
    schedule: new ProbeSchedule({
      startedAt: clock.now(),
      random: () => 0,
      intervalMs: INTERVAL_MS,
      sweepMs: 3_600_000,
    }),
    directory: { node: () => undefined, apiKey: async () => null },
    store: { recordHealthCheck: async (input) => ({ ...input, id: 'h1' }) },
    bus: new EventBus(),
    clock,
    log: createLogger('silent'),
    // The node stays down: every probe fails, so a recovery probe is due every interval.
    probe: async () => {
      probes.count++
      return {
        outcome: { kind: 'connect_error' },
        ok: false,
        latencyMs: 1,
        status: null,
        error: 'connect_refused',
      }
    },
    onTransition: () => {},
    cooldownMaxMs: 60_000,
    claim,
  })
  return { scheduler, probes }
}

/** Waits (bounded) until the probe lease has run out in Redis, so the next interval is open. */
async function leaseOver(on: RedisLink): Promise<void> {
  await vi.waitFor(
    async () => expect(await on.client.exists(`${on.prefix}probe:n1:recovery`)).toBe(0),
    { timeout: 3000, interval: 20 },
  )
}

beforeAll(async () => {
  link = await upLink(prefix)
  relay = await startRedisRelay()
})
afterAll(async () => {
  await dropKeys(link, prefix)
  await link.close()
  await relay.close()
})

describe('HealthScheduler with a probe lease', () => {
  it('two replicas on one Redis probe a failed node once per interval in all', async () => {
    let now = START
    const clock = { now: () => now }
    const a = replica(clock, createProbeClaim(new RedisLeases(link, 'replica-a')))
    const b = replica(clock, createProbeClaim(new RedisLeases(link, 'replica-b')))
    const total = () => a.probes.count + b.probes.count
    for (let round = 1; round <= 4; round++) {
      now = START + round * INTERVAL_MS
      await Promise.all([a.scheduler.tick(), b.scheduler.tick()])
      expect(total()).toBe(round)
      // Later ticks of the same interval: the replica that lost the claim does not try again.
      now += INTERVAL_MS / 3
      await Promise.all([a.scheduler.tick(), b.scheduler.tick()])
      expect(total()).toBe(round)
      await leaseOver(link)
    }
  })

  it('without a claim (or a second replica) each replica probes every interval', async () => {
    let now = START
    const clock = { now: () => now }
    const a = replica(clock)
    const b = replica(clock)
    for (let round = 1; round <= 2; round++) {
      now = START + round * INTERVAL_MS
      await Promise.all([a.scheduler.tick(), b.scheduler.tick()])
    }
    expect([a.probes.count, b.probes.count]).toEqual([2, 2])
  })

  it('with Redis down both replicas probe, and they share again once it is back', async () => {
    const linkA = await upLink(prefix, relay.url(), { maxRetryDelayMs: 100 })
    const linkB = await upLink(prefix, relay.url(), { maxRetryDelayMs: 100 })
    try {
      let now = START
      const clock = { now: () => now }
      const a = replica(clock, createProbeClaim(new RedisLeases(linkA, 'replica-a')))
      const b = replica(clock, createProbeClaim(new RedisLeases(linkB, 'replica-b')))
      await relay.cut()
      await vi.waitFor(() => expect(linkA.up || linkB.up).toBe(false), {
        timeout: 2000,
        interval: 10,
      })
      for (let round = 1; round <= 2; round++) {
        now = START + round * INTERVAL_MS
        await Promise.all([a.scheduler.tick(), b.scheduler.tick()])
      }
      expect([a.probes.count, b.probes.count]).toEqual([2, 2])

      await relay.restore()
      expect((await linkA.whenUp(5000)) && (await linkB.whenUp(5000))).toBe(true)
      await leaseOver(link)
      now = START + 3 * INTERVAL_MS
      await Promise.all([a.scheduler.tick(), b.scheduler.tick()])
      expect(a.probes.count + b.probes.count).toBe(5)
    } finally {
      await linkA.close()
      await linkB.close()
      await relay.restore()
    }
  })

  it('probes anyway when the claim itself fails', async () => {
    let now = START
    const clock = { now: () => now }
    const claims: string[] = []
    const a = replica(clock, async (nodeId, kind, intervalMs) => {
      claims.push(`${nodeId}:${kind}:${intervalMs}`)
      throw new Error('claim broke')
    })
    now = START + INTERVAL_MS
    await a.scheduler.tick()
    expect(claims).toEqual([`n1:recovery:${INTERVAL_MS}`])
    expect(a.probes.count).toBe(1)
  })

  it('takes a claim set later with useClaim, and drops it again', async () => {
    let now = START
    const clock = { now: () => now }
    const a = replica(clock)
    a.scheduler.useClaim(async () => false)
    now = START + INTERVAL_MS
    await a.scheduler.tick()
    expect(a.probes.count).toBe(0)
    a.scheduler.useClaim(undefined)
    now = START + 2 * INTERVAL_MS
    await a.scheduler.tick()
    expect(a.probes.count).toBe(1)
  })
})
