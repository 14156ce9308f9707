import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isEntryAvailable } from '../health/availability'
import { entry } from '../test-support/fixtures'
import type { NodeStatus, PoolEntry } from '../types'
import { selectNode } from './select'
import { StickyBindings } from './sticky'

const now = 1_000_000
const statuses: NodeStatus[] = ['healthy', 'cooling', 'failed', 'disabled']

const arbEntry = (i: number) =>
  fc
    .record({
      account: fc.constantFrom('acme', 'acme', 'other'),
      weight: fc.integer({ min: 1, max: 4 }),
      status: fc.constantFrom(...statuses),
      coolingDelta: fc.integer({ min: -5000, max: 5000 }),
      inFlight: fc.integer({ min: 0, max: 5 }),
      lastFailureAt: fc.option(fc.integer({ min: 0, max: now }), { nil: null }),
    })
    .map((r): PoolEntry =>
      entry(
        `n${i}`,
        { accountId: r.account, weight: r.weight, disabled: r.status === 'disabled' },
        {
          status: r.status,
          coolingUntil: r.status === 'cooling' ? now + r.coolingDelta : null,
          inFlight: r.inFlight,
          lastFailureAt: r.lastFailureAt,
        },
      ),
    )

const arbPool = fc
  .integer({ min: 0, max: 12 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbEntry(i))))

const arbCtx = fc.record({
  exclude: fc.array(
    fc.integer({ min: 0, max: 12 }).map((i) => `n${i}`),
    { maxLength: 4 },
  ),
  sessionId: fc.option(fc.string({ minLength: 1, maxLength: 12 }), { nil: undefined }),
  activeIdx: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
  seed: fc.double({ min: 0, max: 0.999, noNaN: true }),
})

describe('selectNode properties', () => {
  it('never another tenant, never disabled or tried; never unavailable while an available node exists; respects tiers', () => {
    fc.assert(
      fc.property(arbPool, arbCtx, (pool, c) => {
        const exclude = new Set(c.exclude)
        const activeNodeId = c.activeIdx === undefined ? undefined : `n${c.activeIdx}`
        const pick = selectNode(pool, {
          accountId: 'acme',
          now,
          random: () => c.seed,
          exclude,
          sessionId: c.sessionId,
          activeNodeId,
        })
        const candidates = pool.filter(
          (e) => e.node.accountId === 'acme' && !exclude.has(e.node.id),
        )
        const available = candidates.filter((e) => isEntryAvailable(e, now))
        if (pick === undefined) {
          expect(available).toHaveLength(0)
          expect(
            candidates.filter((e) => e.health.status === 'failed' && !e.node.disabled),
          ).toHaveLength(0)
          return
        }
        const chosen = pick.entry
        expect(chosen.node.accountId).toBe('acme')
        expect(exclude.has(chosen.node.id)).toBe(false)
        expect(chosen.node.disabled).toBe(false)
        if (available.length > 0) {
          expect(isEntryAvailable(chosen, now)).toBe(true)
          if (pick.reason !== 'active') {
            expect(chosen.node.weight).toBe(Math.min(...available.map((e) => e.node.weight)))
          } else {
            expect(chosen.node.id).toBe(activeNodeId)
          }
          if (pick.reason === 'least_in_flight') {
            const tier = available.filter((e) => e.node.weight === chosen.node.weight)
            expect(chosen.health.inFlight).toBe(Math.min(...tier.map((e) => e.health.inFlight)))
          }
        } else {
          expect(pick.reason).toBe('last_resort')
          expect(chosen.health.status).toBe('failed')
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('keeps a sticky binding while its node is available and untried', () => {
    fc.assert(
      fc.property(
        arbPool,
        fc.integer({ min: 0, max: 11 }),
        fc.string({ minLength: 1 }),
        (pool, idx, session) => {
          const bound = pool[idx]
          fc.pre(bound !== undefined && bound.node.accountId === 'acme')
          const sticky = new StickyBindings()
          sticky.bind('acme', session, bound.node.id, now - 1000)
          const pick = selectNode(pool, {
            accountId: 'acme',
            now,
            random: Math.random,
            sessionId: session,
            sticky,
          })
          if (isEntryAvailable(bound, now)) expect(pick?.entry.node.id).toBe(bound.node.id)
          else expect(pick?.reason).not.toBe('sticky')
        },
      ),
      { numRuns: 1000 },
    )
  })
})
