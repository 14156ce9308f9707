import {
  extractSessionId,
  type AttemptOutcome,
  type AttemptPlanner,
  type AttemptTrace,
  type FinalError,
  type RequestAttempts,
  type TransitionEvent,
} from '@qcc/core'
import type { ProxyMetrics } from '../observability/metrics'
import type { NodeDirectory } from './node-directory'
import { AttemptTrail } from './attempt-trail'
import type {
  AttemptTiming,
  AttemptVerdict,
  PlanInput,
  RequestPlan,
  RouteTarget,
  Router,
} from './types'

export interface CoreRouterDeps {
  directory: Pick<NodeDirectory, 'account' | 'node' | 'apiKeyNow' | 'extraHeadersNow'>
  planner: AttemptPlanner
  metrics?: Pick<ProxyMetrics, 'attempt' | 'failover'>
  /** `PROXY_ALLOW_PRIVATE_UPSTREAMS`: every node may use private addresses. */
  allowPrivateUpstreams: boolean
  /** Persists and announces a node transition that an attempt caused. */
  onTransition: (event: TransitionEvent) => void
  /**
   * Brings a session's shared binding into the planner's sticky bindings before its request is
   * planned (redis/shared-sticky.ts `load`); absent without Redis. Undefined: nothing to wait for.
   */
  loadSticky?: ((accountId: string, sessionId: string) => Promise<void> | undefined) | undefined
}

/**
 * The router the data path uses: every decision (which node, retry or not, what the client gets
 * when all failed, node health, the deadline) is @qcc/core's; this file adds what the data path
 * needs to call the node (its key and address rule) and counts attempts for the metrics.
 */
export function createCoreRouter(deps: CoreRouterDeps): Router {
  const load = deps.loadSticky
  return {
    // Without shared bindings there is no `prepare`, so the data path awaits nothing. With them,
    // `prepare` reads the session id once and leaves it on the input for `plan`.
    prepare:
      load === undefined
        ? undefined
        : (input) => {
            const sessionId = extractSessionId(input.headers, input.body)
            input.sessionId = sessionId ?? null
            return sessionId === undefined ? undefined : load(input.accountId, sessionId)
          },
    plan(input: PlanInput): RequestPlan {
      const sessionId =
        input.sessionId === undefined
          ? extractSessionId(input.headers, input.body)
          : (input.sessionId ?? undefined)
      const attempts = deps.planner.begin({
        accountId: input.accountId,
        sessionId,
        activeNodeId: deps.directory.account(input.accountId)?.activeNodeId ?? null,
        model: input.model,
      })
      return new CorePlan(
        deps,
        attempts,
        sessionId,
        input.trace === false ? null : new AttemptTrail(),
      )
    },
  }
}

const NO_TRACE: readonly AttemptTrace[] = []

/** One request's plan over core's `RequestAttempts` (a class: one object per request). */
class CorePlan implements RequestPlan {
  constructor(
    private readonly deps: CoreRouterDeps,
    private readonly attempts: RequestAttempts,
    readonly sessionId: string | undefined,
    /** Null when the trace is off (the benchmark's comparison only). */
    private readonly trail: AttemptTrail | null,
  ) {}

  next(): RouteTarget | undefined {
    const attempt = this.attempts.next()
    if (!attempt) return undefined
    const { directory, metrics } = this.deps
    if (attempt.index > 0) metrics?.failover()
    const node = directory.node(attempt.node.id)
    return {
      nodeId: attempt.node.id,
      name: attempt.node.name,
      baseUrl: attempt.node.baseUrl,
      apiKey: node?.hasApiKey ? directory.apiKeyNow(attempt.node.id) : null,
      authHeader: attempt.node.authHeader,
      extraHeaders:
        node !== undefined && node.extraHeaderNames.length > 0
          ? directory.extraHeadersNow(attempt.node.id)
          : null,
      allowPrivate: (node?.allowPrivate ?? false) || this.deps.allowPrivateUpstreams,
      lastResort: attempt.lastResort,
      attempt,
    }
  }

  remainingMs(): number {
    return this.attempts.remainingMs()
  }

  get trace() {
    return this.trail?.entries ?? NO_TRACE
  }

  report(target: RouteTarget, outcome: AttemptOutcome, timing?: AttemptTiming): AttemptVerdict {
    const { decision, transition } = this.attempts.report(target.attempt, outcome)
    if (transition) this.deps.onTransition(transition)
    this.trail?.record(target, outcome, decision, timing)
    this.deps.metrics?.attempt(target.attempt.node, decision.result)
    return {
      commit: decision.result === 'success',
      passThrough: decision.result === 'pass_through',
    }
  }

  settle(target: RouteTarget, endedAt: number, clientGone: boolean): void {
    this.trail?.settle(target, endedAt, clientGone)
  }

  finalError(): FinalError {
    return this.attempts.finalError()
  }

  done(): void {
    this.attempts.done()
  }
}
