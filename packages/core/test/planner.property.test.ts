// Planner and health machine invariants over random pools and random upstream behaviour.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NodeHealthMachine } from '../src/health/state-machine'
import { AttemptPlanner } from '../src/plan/planner'
import { RetryBudget } from '../src/plan/retry-budget'
import { StickyBindings } from '../src/select/sticky'
import { fakeClock, node, seededRandom } from '../src/test-support/fixtures'
import type { AttemptOutcome, NodeStatus, TransitionEvent } from '../src/types'

const outcomes: AttemptOutcome[] = [
  { kind: 'connect_error' },
  { kind: 'timeout_first_byte' },
  { kind: 'response', status: 200 },
  { kind: 'response', status: 400 },
  { kind: 'response', status: 401 },
  { kind: 'response', status: 429, headers: { 'retry-after': '5' } },
  { kind: 'response', status: 503 },
  { kind: 'response', status: 529 },
  { kind: 'first_event', status: 200, eventType: 'message_start' },
  { kind: 'client_abort' },
]

const arbNode = fc.record({
  account: fc.constantFrom('acme', 'other'),
  weight: fc.integer({ min: 1, max: 3 }),
  disabled: fc.boolean(),
  failed: fc.boolean(),
})

describe('planner invariants', () => {
  it('distinct nodes, capped attempts, one last resort, own tenant only, counters back to zero', () => {
    fc.assert(
      fc.property(
        fc.array(arbNode, { minLength: 0, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: outcomes.length - 1 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (nodes, script, retryMax) => {
          const clock = fakeClock()
          const health = new NodeHealthMachine({ clock, failThreshold: 2 })
          nodes.forEach((n, i) => {
            health.upsert(
              node(`n${i}`, { accountId: n.account, weight: n.weight, disabled: n.disabled }),
            )
            if (n.failed) health.apply(`n${i}`, { nodeEffect: 'fail_now', reason: 'auth_failed' })
          })
          const budget = new RetryBudget()
          const planner = new AttemptPlanner({
            health,
            clock,
            random: seededRandom(),
            sticky: new StickyBindings(),
            budget,
            retryMax,
          })
          let step = 0
          for (let r = 0; r < 5; r++) {
            const req = planner.begin({
              accountId: 'acme',
              sessionId: r % 2 === 0 ? `s${r}` : undefined,
            })
            const seen: string[] = []
            let lastResorts = 0
            let normal = 0
            for (let a = req.next(); a; a = req.next()) {
              expect(a.node.accountId).toBe('acme')
              expect(a.node.disabled).toBe(false)
              expect(seen).not.toContain(a.node.id)
              seen.push(a.node.id)
              if (a.lastResort) lastResorts++
              else normal++
              const { decision } = req.report(
                a,
                outcomes[script[step++ % script.length] as number] as AttemptOutcome,
              )
              if (decision.result !== 'failed') break
            }
            expect(lastResorts).toBeLessThanOrEqual(1)
            expect(normal).toBeLessThanOrEqual(retryMax)
            if (!req.committed) expect([429, 502, 503, 504, 529]).toContain(req.finalError().status)
            req.done()
            clock.advance(1000)
          }
          for (const e of health.entries()) expect(e.health.inFlight).toBe(0)
          expect([budget.activeRequests, budget.retriesInFlight]).toEqual([0, 0])
        },
      ),
      { numRuns: 500 },
    )
  })

  it('the health machine emits exactly one event per status change', () => {
    const effects = [
      { nodeEffect: 'failure', reason: 'server_error' },
      { nodeEffect: 'success', reason: 'ok' },
      { nodeEffect: 'fail_now', reason: 'auth_failed' },
      { nodeEffect: 'cooldown', reason: 'overloaded', cooldownUntil: 0 },
      { nodeEffect: 'none', reason: 'client_error' },
    ] as const
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 2000 })), {
          maxLength: 60,
        }),
        (ops) => {
          const clock = fakeClock()
          const events: TransitionEvent[] = []
          const m = new NodeHealthMachine({
            clock,
            failThreshold: 3,
            onTransition: (e) => events.push(e),
          })
          m.upsert(node('a'))
          let changes = 0
          let status: NodeStatus = 'healthy'
          for (const [op, dt] of ops) {
            clock.advance(dt)
            if (op === 5) m.disable('a')
            else if (op === 6) m.enable('a')
            else if (op === 7) m.expireCooldowns()
            else {
              const e = effects[op] as (typeof effects)[number]
              m.apply(
                'a',
                e.nodeEffect === 'cooldown' ? { ...e, cooldownUntil: clock.now() + 1000 } : e,
              )
            }
            const current: NodeStatus = m.get('a')?.health.status ?? status
            if (current !== status) changes++
            status = current
          }
          expect(events).toHaveLength(changes)
          for (const [i, e] of events.entries()) {
            expect(e.from).not.toBe(e.to)
            if (i > 0) expect(e.from).toBe(events[i - 1]?.to)
          }
        },
      ),
      { numRuns: 1000 },
    )
  })
})
