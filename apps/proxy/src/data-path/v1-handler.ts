import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  extractTenantKey,
  isValidModelId,
  MODEL_ID_MAX,
  type LimitRefusal,
  type LimitRoute,
} from '@qcc/core'
import { isDefaultProxyKey } from '../default-credentials'
import { NO_TICKET, type LimitGate, type LimitTenant, type LimitTicket } from '../limits/limit-gate'
import type { PlanInput, RequestPlan, Router } from '../routing/types'
import { sendAnthropicError } from './anthropic-error'
import { runAttempts, type AttemptLoopDeps } from './attempt-loop'
import { BodyTooLargeError, readBody } from './body'
import { sendModel, sendModelsList } from './models-list'
import { readRequestFields } from './request-fields'
import type { RequestClient } from './usage-tap'

const precise = performance.now.bind(performance)

/** Resolves a tenant's proxy key to its account and limits; synchronous (an in-memory index). */
export type ResolveProxyKey = (secret: string) => LimitTenant | null

export interface V1HandlerDeps extends AttemptLoopDeps {
  resolveProxyKey: ResolveProxyKey
  /** Whether the client is on this machine (http/client-origin.ts); asked for default keys only. */
  isLoopbackClient: (req: IncomingMessage) => boolean
  /** The client address (docs/contract.md §6.3) the trace records; absent: the socket's peer. */
  clientAddress?: (req: IncomingMessage) => string
  router: Router
  newRequestId: () => string
  limits: AttemptLoopDeps['limits'] & { maxBodyBytes: number }
  /** Tenant limits (docs/contract.md §10); absent: none are enforced. */
  gate?: LimitGate
  /**
   * The model ids the proxy lists itself for a tenant, when every node of it has a `models` list
   * (docs/contract.md §13); null: `/v1/models` goes upstream.
   */
  listedModels?: (accountId: string) => readonly string[] | null
}

type Route = 'messages' | 'count_tokens' | 'models' | 'model'

const LIMIT_ROUTE: Record<Route, LimitRoute> = {
  messages: 'messages',
  count_tokens: 'count_tokens',
  models: 'other',
  model: 'other',
}

/**
 * A model id (docs/contract.md §9): one path segment of safe characters, so `..`, `%2F` and the like never
 * reach the upstream URL together with the node's key.
 */
const MODEL_PATH = /^\/v1\/models\/[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/

function matchRoute(method: string, path: string): Route | undefined {
  if (method === 'POST') {
    if (path === '/v1/messages') return 'messages'
    if (path === '/v1/messages/count_tokens') return 'count_tokens'
  } else if (method === 'GET') {
    if (path === '/v1/models') return 'models'
    if (MODEL_PATH.test(path)) return 'model'
  }
  return undefined
}

/** The `/v1/*` data path on the raw Node request: route, authenticate, read, attempt. */
export function createV1Handler(deps: V1HandlerDeps) {
  const preciseNow = deps.preciseNow ?? precise
  return async function handleV1(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const route = matchRoute(req.method ?? 'GET', path)
    const requestId = deps.newRequestId()
    // Set with each answer's own headers (a separate setHeader costs a validation pass more).
    // An answer given without an upstream says so (docs/contract.md §12.1).
    const idHeader = { 'x-qcc-request-id': requestId, 'x-qcc-attempts': '0' }
    if (!route) {
      req.resume()
      return sendAnthropicError(
        res,
        404,
        'not_found_error',
        `no route for ${req.method} ${path}`,
        idHeader,
      )
    }
    const secret = extractTenantKey(req.headers)
    // docs/contract.md §9: the default keys work from this machine only, elsewhere they are a wrong key. A
    // string compare first, so every other key costs nothing more.
    const refusedDefault =
      secret !== undefined && isDefaultProxyKey(secret) && !deps.isLoopbackClient(req)
    const tenant = secret && !refusedDefault ? deps.resolveProxyKey(secret) : null
    if (!tenant) {
      req.resume()
      return sendAnthropicError(res, 401, 'authentication_error', 'invalid x-api-key', idHeader)
    }
    let body: Buffer | undefined
    let json: unknown
    if (req.method === 'POST') {
      try {
        body = await readBody(req, deps.limits.maxBodyBytes)
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          return sendAnthropicError(res, 413, 'request_too_large', err.message, {
            ...idHeader,
            connection: 'close',
          })
        }
        return sendAnthropicError(
          res,
          400,
          'invalid_request_error',
          'could not read the request body',
          idHeader,
        )
      }
      const read = readRequestFields(body)
      if (!read.ok) {
        return sendAnthropicError(res, 400, 'invalid_request_error', read.reason, idHeader)
      }
      json = read.fields
      // docs/contract.md §15: a bad id is never forwarded, stored, shown or exported.
      if (!isValidModelId(read.fields.model)) {
        return sendAnthropicError(
          res,
          400,
          'invalid_request_error',
          `model must be a string of 1 to ${MODEL_ID_MAX} printable characters`,
          idHeader,
        )
      }
    }
    const readAt = preciseNow()
    // docs/contract.md §10: limits are checked after authentication (and the body, for the
    // model) and before any upstream contact.
    let ticket: LimitTicket = NO_TICKET
    if (deps.gate) {
      const model = (json as { model?: unknown } | undefined)?.model
      let answer = deps.gate.admit(
        requestId,
        tenant,
        LIMIT_ROUTE[route],
        typeof model === 'string' ? model : undefined,
        req,
      )
      if (answer instanceof Promise) answer = await answer
      if (!answer.ok) {
        return refuse(
          deps,
          res,
          { requestId, tenant, path: url, model, readAt },
          answer.refusal,
          req,
        )
      }
      ticket = answer.ticket
    }
    // The slot is freed at every ending: the answer done, an error, the client gone, the drain.
    if (ticket !== NO_TICKET) res.once('close', ticket.release)
    if ((route === 'models' || route === 'model') && deps.listedModels) {
      const ids = deps.listedModels(tenant.accountId)
      const id = route === 'model' ? path.slice('/v1/models/'.length) : undefined
      if (ids !== null && (id === undefined || ids.includes(id))) {
        ticket.release()
        const headers = { ...idHeader, 'x-qcc-overhead-ms': (preciseNow() - readAt).toFixed(2) }
        if (id !== undefined) return sendModel(res, id, headers)
        return sendModelsList(res, ids, new URLSearchParams(q === -1 ? '' : url.slice(q)), headers)
      }
    }
    const requested = (json as { model?: unknown } | undefined)?.model
    let plan: RequestPlan | undefined
    try {
      const trace = deps.trace !== false
      const input: PlanInput = {
        accountId: tenant.accountId,
        requestId,
        headers: req.headers,
        body: json,
        model: typeof requested === 'string' ? requested : undefined,
        trace,
      }
      // With Redis, a session's shared binding is read first (docs/contract.md §11); a request
      // without a session id, or with Redis down, awaits nothing here.
      const ready = deps.router.prepare?.(input)
      if (ready !== undefined) await ready
      plan = deps.router.plan(input)
      await runAttempts(deps, {
        req,
        res,
        plan,
        body,
        json,
        path: url,
        requestId,
        tenant,
        countUsage: ticket === NO_TICKET ? undefined : ticket.countUsage,
        client: trace ? requestClient(deps, req, json) : undefined,
        readAt,
      })
    } finally {
      ticket.release()
      plan?.done()
    }
  }
}

/**
 * Answers a refused request in Anthropic's error shape and records it as one request with an
 * error (docs/contract.md §10): never forwarded, no attempt, no tokens, the refusal as its reason.
 * `x-should-retry: false` keeps the SDKs and Claude Code from retrying a limit (they would sleep
 * out the `retry-after`, up to the period's end); the client decides with the `retry-after`.
 */
function refuse(
  deps: V1HandlerDeps,
  res: ServerResponse,
  request: RefusedRequest,
  refusal: LimitRefusal,
  req: IncomingMessage,
): void {
  const { requestId, tenant, path, model } = request
  const headers: Record<string, string> = {
    'x-qcc-request-id': requestId,
    'x-qcc-attempts': '0',
    'x-qcc-overhead-ms': Math.max(0, (deps.preciseNow ?? precise)() - request.readAt).toFixed(2),
    'x-should-retry': 'false',
  }
  if (refusal.retryAfterSec !== undefined) headers['retry-after'] = String(refusal.retryAfterSec)
  sendAnthropicError(res, refusal.status, refusal.errorType, refusal.message, headers)
  deps.usage
    .begin({
      requestId,
      accountId: tenant.accountId,
      keyId: tenant.keyId,
      sessionId: undefined,
      model: typeof model === 'string' ? model : undefined,
      route: path,
      startedAt: deps.now(),
    })
    .finish({
      status: refusal.status,
      nodeId: null,
      attempts: 0,
      ttfbMs: null,
      bytes: 0,
      partial: false,
      isSse: false,
      refusal: refusal.message,
      refused: `${refusal.scope}.${refusal.limit}`,
      ...(deps.trace !== false ? { trace: [], client: requestClient(deps, req, undefined) } : {}),
    })
}

interface RefusedRequest {
  requestId: string
  tenant: LimitTenant
  path: string
  model: unknown
  readAt: number
}

/** The longest `user-agent` a trace keeps (docs/contract.md §12.1). */
const USER_AGENT_MAX = 256

/** Who asked, as the trace records it (docs/contract.md §12). */
function requestClient(deps: V1HandlerDeps, req: IncomingMessage, json: unknown): RequestClient {
  const agent = req.headers['user-agent']
  const ip = deps.clientAddress ? deps.clientAddress(req) : (req.socket.remoteAddress ?? '')
  return {
    ip: ip === '' ? null : ip,
    userAgent: typeof agent === 'string' && agent !== '' ? agent.slice(0, USER_AGENT_MAX) : null,
    stream: (json as { stream?: unknown } | undefined)?.stream === true,
  }
}
