// A scripted gateway around the planner: each node answers with a scripted outcome, the way the
// fake upstream does in end-to-end tests, so reliability rows run at the decision level.
import { NodeHealthMachine } from '../health/state-machine'
import { AttemptPlanner, type PlannerOptions, type RequestAttempts } from '../plan/planner'
import { RetryBudget } from '../plan/retry-budget'
import { StickyBindings } from '../select/sticky'
import type { AttemptOutcome, NodeConfig, TransitionEvent } from '../types'
import { fakeClock, node, seededRandom } from './fixtures'

export type Script = (nodeId: string, call: number) => AttemptOutcome

export const ok: AttemptOutcome = { kind: 'first_event', status: 200, eventType: 'message_start' }

export function gateway(
  nodes: NodeConfig[] = [node('a'), node('b'), node('c')],
  options: Partial<PlannerOptions> & { failThreshold?: number } = {},
) {
  const clock = fakeClock()
  const events: TransitionEvent[] = []
  const health = new NodeHealthMachine({
    clock,
    failThreshold: options.failThreshold ?? 3,
    onTransition: (e) => events.push(e),
  })
  for (const n of nodes) health.upsert(n)
  const sticky = new StickyBindings()
  const budget = options.budget ?? new RetryBudget()
  const planner = new AttemptPlanner({
    health,
    clock,
    random: seededRandom(),
    sticky,
    budget,
    ...options,
  })
  const calls: string[] = []

  /** Runs one request to its end; returns the plan (already done) and what the client got. */
  function request(
    script: Script,
    input: { accountId?: string; sessionId?: string; activeNodeId?: string; model?: string } = {},
  ) {
    const req = planner.begin({ accountId: input.accountId ?? 'acme', ...input })
    const tried: string[] = []
    let served: string | undefined
    let passThrough = false
    for (let a = req.next(); a; a = req.next()) {
      tried.push(a.node.id)
      calls.push(a.node.id)
      const { decision } = req.report(a, script(a.node.id, calls.length))
      if (decision.result === 'success') served = a.node.id
      if (decision.result === 'pass_through') passThrough = true
      if (decision.result !== 'failed') break
    }
    const error = served === undefined && !passThrough ? req.finalError() : undefined
    req.done()
    return { req, tried, served, passThrough, error }
  }

  /** Starts a request and leaves it open (for concurrency tests). */
  function open(input: { accountId?: string } = {}): RequestAttempts {
    return planner.begin({ accountId: input.accountId ?? 'acme' })
  }

  return { clock, events, health, sticky, budget, planner, calls, request, open }
}
