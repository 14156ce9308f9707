import type { AttemptPlanner } from '@qcc/core'
import {
  extractSessionId,
  type Attempt,
  type AttemptOutcome,
  type NodeHealthMachine,
  type StickyBindings,
} from '@qcc/core'
import type { ProxyMetrics } from '../observability/metrics'
import type { NodeDirectory } from './node-directory'
import type {
  AttemptObservation,
  FinalError,
  PlanInput,
  RequestPlan,
  Router,
  RouteTarget,
} from './types'

export interface CoreRouterDeps {
  directory: NodeDirectory
  planner: AttemptPlanner
  health: NodeHealthMachine
  sticky: StickyBindings
  metrics?: Pick<ProxyMetrics, 'attempt' | 'failover'>
  /** `PROXY_ALLOW_PRIVATE_UPSTREAMS`: every node may use private addresses. */
  allowPrivateUpstreams: boolean
  /** Persists and announces a node transition that an attempt caused. */
  onTransition: (event: NonNullable<ReturnType<NodeHealthMachine['apply']>>) => void
}

/**
 * The router the data path uses: every decision (which node, retry or not, what the client gets
 * when all failed, node health) is @qcc/core's; this file only translates between the two.
 */
export function createCoreRouter(deps: CoreRouterDeps): Router {
  const { directory, planner } = deps
  return {
    plan(input: PlanInput): RequestPlan {
      const sessionId = extractSessionId(input.headers, input.body)
      const account = directory.account(input.accountId)
      const attempts = planner.begin({
        accountId: input.accountId,
        sessionId,
        activeNodeId: account?.activeNodeId ?? null,
      })
      return {
        sessionId,
        next(): RouteTarget | Promise<RouteTarget | undefined> | undefined {
          const attempt = attempts.next()
          if (!attempt) return undefined
          if (attempt.index > 0) deps.metrics?.failover()
          const node = directory.node(attempt.node.id)
          const target = (apiKey: string | null): RouteTarget => ({
            nodeId: attempt.node.id,
            name: attempt.node.name,
            baseUrl: attempt.node.baseUrl,
            apiKey,
            allowPrivate: (node?.allowPrivate ?? false) || deps.allowPrivateUpstreams,
            lastResort: attempt.lastResort,
            handle: attempt,
          })
          if (!node?.hasApiKey) return target(null)
          // The decrypted key is usually at hand: no promise on the request path then.
          const ready = directory.readyApiKey(attempt.node.id)
          if (ready !== undefined) return target(ready)
          return directory.apiKey(attempt.node.id).then(target)
        },
        report(target, observation) {
          const { decision, transition } = attempts.report(
            target.handle as Attempt,
            toOutcome(observation),
          )
          if (transition) deps.onTransition(transition)
          deps.metrics?.attempt(target.name, decision.result)
          return { passThrough: decision.result === 'pass_through' }
        },
        finalError(): FinalError {
          const final = attempts.finalError()
          return {
            status: final.status,
            type: final.errorType,
            message: final.message,
            retryAfterSec: final.retryAfterSec,
          }
        },
        done: () => attempts.done(),
      }
    },
  }
}

/** The data path's observation in core's vocabulary. */
export function toOutcome(observation: AttemptObservation): AttemptOutcome {
  switch (observation.kind) {
    case 'connect_error':
      return { kind: 'connect_error', code: observation.code }
    case 'timeout':
      return { kind: 'timeout_first_byte', phase: observation.phase }
    case 'response':
      return {
        kind: 'response',
        status: observation.status,
        headers: observation.headers,
        bodySnippet: observation.body,
        unparsable: observation.unparsable,
      }
    case 'first_event_error':
      return {
        kind: 'first_event',
        status: observation.status,
        headers: observation.headers,
        eventType: 'error',
        data: observation.data,
      }
    case 'accepted':
      return observation.eventType === undefined
        ? { kind: 'response', status: observation.status }
        : { kind: 'first_event', status: observation.status, eventType: observation.eventType }
    case 'stream_failed':
      return {
        kind: 'after_commit_failure',
        cause: observation.cause,
        errorType: observation.errorType,
      }
    case 'client_abort':
      return { kind: 'client_abort' }
  }
}
