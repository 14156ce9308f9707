import type { IncomingMessage, ServerResponse } from 'node:http'
import { redactSecrets } from '@qcc/core'
import type { AttemptTiming, RequestPlan, RouteTarget } from '../routing/types'
import { anthropicErrorFrame, sendAnthropicError } from './anthropic-error'
import { Cancellation } from './cancellation'
import { createErrorFrameRedactor } from './error-frame-redactor'
import { pickDownstreamHeaders } from './headers'
import { MalformedStreamError, relayBody } from './relay'
import { bodyForNode } from './body-rewrite'
import { Overhead } from './overhead'
import { attemptUpstream, type AttemptResult } from './upstream-attempt'
import { BODY_TIMEOUT, type UpstreamClient } from './upstream'
import type {
  RequestClient,
  UsageRecorder,
  UsageRequestInfo,
  UsageResult,
  UsageTap,
} from './usage-tap'

/** What the attempt loop is built from (the `/v1/*` handler passes its own deps through). */
export interface AttemptLoopDeps {
  upstream: UpstreamClient
  usage: UsageTap
  now: () => number
  /** A fine monotonic clock (ms) for `x-qcc-overhead-ms`; default `performance.now`. */
  preciseNow?: () => number
  /**
   * Records the request trace (docs/contract.md §12); default true. False only for the
   * benchmark's side-by-side comparison (`QCC_BENCH_TRACE=off`).
   */
  trace?: boolean
  /** Aborted at the drain deadline: live streams end with one error frame. */
  shutdown?: Cancellation | undefined
  limits: {
    /** Time allowed for an attempt's headers and, for a stream, its first event. */
    firstByteTimeoutMs: number
    /** Upstream silence on a committed stream after which a `ping` frame goes to the client. */
    keepaliveMs: number
  }
}

export interface AttemptLoopInput {
  req: IncomingMessage
  res: ServerResponse
  plan: RequestPlan
  body: Buffer | undefined
  json: unknown
  /** Path and query as the client sent them. */
  path: string
  requestId: string
  tenant: { accountId: string; keyId: string }
  /** The limit gate's ticket: usage goes to the windows as soon as it is known. */
  countUsage?: UsageRequestInfo['countUsage']
  /** Who asked, for the trace (docs/contract.md §12); absent when the trace is off. */
  client?: RequestClient
  /** `preciseNow` when the body had been read: where `x-qcc-overhead-ms` starts. */
  readAt: number
}

/**
 * Tries nodes until one answers or the plan gives up. Before the commit point a failed attempt
 * moves on; after it the response is the client's, and a failure ends it with one error frame.
 * Every decision is the plan's (core's); this loop only moves bytes.
 */
export async function runAttempts(deps: AttemptLoopDeps, input: AttemptLoopInput): Promise<void> {
  const { res, plan } = input
  const startedAt = deps.now()
  const preciseNow = deps.preciseNow ?? performance.now.bind(performance)
  const overhead = new Overhead(preciseNow, input.readAt)
  const requested = (input.json as { model?: unknown } | undefined)?.model
  const model = typeof requested === 'string' ? requested : undefined
  const recorder = deps.usage.begin({
    requestId: input.requestId,
    accountId: input.tenant.accountId,
    keyId: input.tenant.keyId,
    sessionId: plan.sessionId,
    model,
    route: input.path,
    startedAt,
    countUsage: input.countUsage,
  })
  const clientGone = new Cancellation()
  const onClientClose = () => {
    if (!res.writableFinished) clientGone.abort()
  }
  res.on('close', onClientClose)
  const outcome: UsageResult = {
    status: 0,
    nodeId: null,
    attempts: 0,
    ttfbMs: null,
    bytes: 0,
    partial: false,
    isSse: false,
  }
  if (input.client) {
    outcome.trace = plan.trace
    outcome.client = input.client
  }
  try {
    for (;;) {
      const target = plan.next()
      if (clientGone.aborted) {
        outcome.status = 499
        outcome.partial = true
        return
      }
      if (!target) {
        const final = plan.finalError()
        const headers: Record<string, string> = {
          'x-qcc-request-id': input.requestId,
          'x-qcc-attempts': String(outcome.attempts),
          'x-qcc-overhead-ms': overhead.header(),
        }
        if (final.retryAfterSec !== undefined) headers['retry-after'] = String(final.retryAfterSec)
        sendAnthropicError(res, final.status, final.errorType, final.message, headers)
        outcome.status = final.status
        return
      }
      outcome.attempts++
      outcome.nodeId = target.nodeId
      // The client's bytes, unless this node maps the model or strips tools (docs/contract.md §13).
      const sent = bodyForNode(input.body, model, target.attempt.node)
      const sentAt = deps.now()
      const sentPrecise = preciseNow()
      const attempt = await attemptUpstream({
        upstream: deps.upstream,
        req: input.req,
        body: sent.body,
        path: input.path,
        target,
        // At least 1 ms: undici reads a timeout of 0 as none at all.
        timeoutMs: Math.min(deps.limits.firstByteTimeoutMs, Math.max(1, plan.remainingMs())),
        clientGone,
      })
      overhead.waitedOn(sentPrecise)
      const endedAt = deps.now()
      const timing: AttemptTiming = {
        sentAt,
        answeredAt: attempt.kind === 'failed' ? null : endedAt,
        endedAt,
      }
      if (attempt.kind === 'ready') {
        // Core has the last word: a plain answer's head may be a fake 200 (docs/contract.md §13).
        if (plan.report(target, attempt.outcome, timing).commit) {
          if (sent.upstreamModel !== undefined) outcome.upstreamModel = sent.upstreamModel
          await commit(deps, input, target, attempt, recorder, outcome, overhead)
          return
        }
        attempt.response.body.destroy()
        continue
      }
      if (clientGone.aborted) {
        plan.report(target, { kind: 'client_abort' }, timing)
        outcome.status = 499
        outcome.partial = true
        return
      }
      const verdict = plan.report(target, attempt.outcome, timing)
      if (verdict.passThrough && attempt.kind === 'answered') {
        const { status, headers } = attempt.outcome
        // The tenant's own fault, but the body is the upstream's: it may echo the node's key.
        const body = redactSecrets(attempt.outcome.bodySnippet, [target.apiKey])
        res.writeHead(status, answerHeaders(headers, target, input.requestId, outcome, overhead))
        res.end(body)
        outcome.status = status
        outcome.bytes = Buffer.byteLength(body)
        return
      }
    }
  } finally {
    res.off('close', onClientClose)
    recorder.finish(outcome)
  }
}

/** Sends the chosen answer: status and headers, the bytes already read, then the live body. */
async function commit(
  deps: AttemptLoopDeps,
  input: AttemptLoopInput,
  target: RouteTarget,
  ready: Extract<AttemptResult, { kind: 'ready' }>,
  recorder: UsageRecorder,
  outcome: UsageResult,
  overhead: Overhead,
): Promise<void> {
  const { res, plan } = input
  const { response, first, isSse } = ready
  let incomplete = false
  outcome.status = response.statusCode
  outcome.isSse = isSse
  recorder.onCommit(isSse)
  const headers = answerHeaders(response.headers, target, input.requestId, outcome, overhead)
  // A plain answer passes unchanged, so its length stays true; keeping it spares chunked framing.
  const length = response.headers['content-length']
  if (!isSse && typeof length === 'string') headers['content-length'] = length
  res.writeHead(response.statusCode, headers)
  outcome.ttfbMs = deps.now() - recorder.startedAt
  const onChunk = (chunk: Buffer) => {
    outcome.bytes += chunk.length
    recorder.onChunk(chunk)
    return !recorder.overflowed
  }
  // The upstream's own `event: error` frames reach the tenant redacted (docs/contract.md §9).
  const rewrite = isSse ? createErrorFrameRedactor([target.apiKey]) : undefined
  for (const chunk of first) {
    onChunk(chunk)
    const out = rewrite ? rewrite.push(chunk) : chunk
    if (out.length > 0) res.write(out)
  }
  const end = await relayBody(response.body, res, {
    onChunk,
    keepaliveMs: isSse ? deps.limits.keepaliveMs : undefined,
    // The upstream's own `event: error` is forwarded as it is; ours only when it sent none.
    errorFrame: (cause) =>
      isSse && !recorder.sawErrorEvent
        ? anthropicErrorFrame(
            cause === 'shutdown' ? 'overloaded_error' : 'api_error',
            cause === 'shutdown'
              ? 'the proxy is restarting; retry the request'
              : 'the upstream stream failed',
          )
        : undefined,
    stop: deps.shutdown,
    rewrite,
    // A stream that ends without `message_stop` was cut short (docs/contract.md §13): the client
    // gets the error frame a broken stream gets, and the node a failure.
    endFrame: () => {
      if (!isSse || recorder.complete || recorder.sawErrorEvent) return undefined
      incomplete = true
      return anthropicErrorFrame('api_error', 'the upstream stream ended before message_stop')
    },
  })
  outcome.partial = end.kind !== 'complete' || incomplete
  const ended = deps.now()
  // After the commit only a node's own failure is reported; a client leaving says nothing of it.
  if (end.kind === 'upstream_failed') {
    const code = (end.error as { code?: string }).code
    const cause =
      code === BODY_TIMEOUT
        ? 'idle_timeout'
        : end.error instanceof MalformedStreamError
          ? 'malformed'
          : 'reset'
    plan.report(target, { kind: 'after_commit_failure', cause })
  } else if (incomplete) {
    plan.report(target, { kind: 'after_commit_failure', cause: 'incomplete' })
  } else if (end.kind === 'complete' && recorder.sawErrorEvent) {
    plan.report(target, {
      kind: 'after_commit_failure',
      cause: 'error_event',
      errorType: recorder.errorType ?? undefined,
    })
  }
  plan.settle(target, ended, end.kind === 'client_closed')
}

/**
 * The upstream's allowed headers plus ours: the node that answered, the request id, the attempts
 * made and the proxy's own time (docs/contract.md §12).
 */
function answerHeaders(
  upstream: Record<string, string | string[] | undefined>,
  target: RouteTarget,
  requestId: string,
  outcome: UsageResult,
  overhead: Overhead,
): Record<string, string | string[]> {
  const headers = pickDownstreamHeaders(upstream)
  headers['x-qcc-node'] = target.name
  headers['x-proxy-node'] = target.name
  headers['x-qcc-request-id'] = requestId
  headers['x-qcc-attempts'] = String(outcome.attempts)
  headers['x-qcc-overhead-ms'] = overhead.header()
  return headers
}
