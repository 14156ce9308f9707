import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { refusalOf } from './accept'
import { countTokens, messageJson, planAnswer } from './message'
import { findModel, modelList } from './models'
import {
  sendError,
  sendFake200,
  sendJson,
  sendRedirect,
  sendStatus,
  sendStream,
  sleep,
  type ReplyContext,
} from './respond'
import type { FakeBehaviour, FakeUpstream, FakeUpstreamOptions, RecordedRequest } from './types'

type Route =
  | { kind: 'messages' }
  | { kind: 'count_tokens' }
  | { kind: 'models' }
  | { kind: 'model'; id: string }
  | { kind: 'unknown' }

/** Matches a method and path (query ignored) to a route of the fake upstream. */
export function matchRoute(method: string, path: string): Route {
  const pathname = path.split('?')[0] ?? ''
  if (method === 'POST' && pathname === '/v1/messages') return { kind: 'messages' }
  if (method === 'POST' && pathname === '/v1/messages/count_tokens') return { kind: 'count_tokens' }
  if (method === 'GET' && pathname === '/v1/models') return { kind: 'models' }
  const model = /^\/v1\/models\/([^/]+)$/.exec(pathname)
  if (method === 'GET' && model?.[1]) return { kind: 'model', id: decodeURIComponent(model[1]) }
  return { kind: 'unknown' }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Answers an `ok` request on a known route. */
async function answerOk(
  ctx: ReplyContext,
  route: Route,
  rec: RecordedRequest,
  b: Extract<FakeBehaviour, { kind: 'ok' }>,
): Promise<void> {
  if (route.kind === 'models') return sendJson(ctx, 200, modelList())
  if (route.kind === 'model') {
    const model = findModel(route.id)
    return model ? sendJson(ctx, 200, model) : sendError(ctx, 404, `model: ${route.id}`)
  }
  if (rec.json === undefined || typeof rec.json !== 'object' || rec.json === null) {
    return sendError(ctx, 400, 'The request body is not valid JSON.')
  }
  if (route.kind === 'count_tokens') return sendJson(ctx, 200, countTokens(rec.bodySize))
  const plan = planAnswer(rec.json, b)
  if ((rec.json as { stream?: unknown }).stream === true) {
    return sendStream(ctx, plan, b, { kind: 'end' })
  }
  await sleep(b.firstByteDelayMs ?? 0, ctx.signal)
  if (!ctx.signal.aborted) sendJson(ctx, 200, messageJson(plan))
}

/** Applies one behaviour to a request on a known route. */
async function apply(
  ctx: ReplyContext,
  route: Route,
  rec: RecordedRequest,
  b: FakeBehaviour,
): Promise<void> {
  switch (b.kind) {
    case 'ok':
      return answerOk(ctx, route, rec, b)
    case 'status':
      return sendStatus(ctx, b)
    case 'redirect':
      return sendRedirect(ctx, b)
    case 'reset':
      ctx.req.socket.destroy()
      return
    case 'hang':
      return // never answer; close() or the client ends it
    case 'fake-200':
      return sendFake200(ctx, b)
    case 'no-stop':
      return sendStream(
        ctx,
        planAnswer(rec.json),
        {},
        { kind: 'no-stop', afterEvents: b.afterEvents },
      )
    case 'cut':
      return sendStream(ctx, planAnswer(rec.json), {}, b)
    case 'sse-error':
      return sendStream(
        ctx,
        planAnswer(rec.json),
        {},
        {
          kind: 'sse-error',
          afterEvents: b.afterEvents,
          errorType: b.errorType ?? 'overloaded_error',
          message: b.message ?? 'Overloaded',
        },
      )
  }
}

/**
 * Starts a fake Anthropic upstream: a real `node:http` server on 127.0.0.1, port 0.
 * Known routes (`POST /v1/messages`, `POST /v1/messages/count_tokens`, `GET /v1/models`,
 * `GET /v1/models/:id`) take the next queued behaviour (or the default); anything else
 * (e.g. Claude Code's `HEAD /`) is a 404 with Anthropic's error shape and consumes nothing.
 * With `accept`, a request with the wrong credentials (401) or, on the messages routes, a model
 * not served (404) is refused the same way, before any behaviour. Every request is recorded.
 */
export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const name = options.name ?? 'fake-upstream'
  const startDefault: FakeBehaviour = options.defaultBehaviour ?? { kind: 'ok' }
  let fallback = startDefault
  let queue: FakeBehaviour[] = []
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const closing = new AbortController()

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req)
    const body = raw.toString('utf8')
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: { ...req.headers },
      bodySize: raw.length,
      body,
      json: parseJson(body),
      at: Date.now(),
    }
    requests.push(rec)
    const aborter = new AbortController()
    const abort = (): void => aborter.abort()
    res.on('close', abort)
    closing.signal.addEventListener('abort', abort, { once: true })
    res.on('close', () => closing.signal.removeEventListener('abort', abort))
    const ctx: ReplyContext = {
      req,
      res,
      signal: aborter.signal,
      baseHeaders: { 'x-fake-upstream': name },
    }
    const route = matchRoute(rec.method, rec.path)
    if (route.kind === 'unknown') {
      return sendError(ctx, 404, `${rec.method} ${rec.path.split('?')[0]} not found`)
    }
    const carriesModel = route.kind === 'messages' || route.kind === 'count_tokens'
    const refusal = refusalOf(options.accept, rec, carriesModel)
    if (refusal) return sendError(ctx, refusal.status, refusal.message)
    const behaviour = queue.shift() ?? fallback
    await apply(ctx, route, rec, behaviour)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed)
        sendError({ req, res, signal: closing.signal, baseHeaders: {} }, 500)
      else res.destroy()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('clientError', (_err, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  let closed: Promise<void> | undefined

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    name,
    requests,
    enqueue: (...b) => void queue.push(...b),
    setDefault: (b) => void (fallback = b),
    reset: () => {
      queue = []
      requests.length = 0
      fallback = startDefault
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing.abort()
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
        server.closeAllConnections()
      })
      return closed
    },
  }
}
