import type { IncomingMessage, ServerResponse } from 'node:http'
import { errorBody } from './errors'
import { fakeId, streamEvents, type AnswerPlan } from './message'
import { formatSseFrame } from './sse'
import type { FakeBehaviour } from './types'

/** Per-request context shared by the responders. */
export interface ReplyContext {
  req: IncomingMessage
  res: ServerResponse
  /** Aborted when the client goes away or the server closes. */
  signal: AbortSignal
  /** Extra headers for every answer (e.g. `x-fake-upstream`). */
  baseHeaders: Record<string, string>
}

/** Waits `ms` (0 = no wait), resolving early when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

/** Headers of every answer: request id, rate-limit headers, the base headers. */
export function answerHeaders(ctx: ReplyContext): Record<string, string> {
  const reset = new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return {
    'request-id': fakeId('req_'),
    'anthropic-ratelimit-requests-limit': '1000',
    'anthropic-ratelimit-requests-remaining': '999',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-tokens-limit': '1000000',
    'anthropic-ratelimit-tokens-remaining': '999000',
    'anthropic-ratelimit-tokens-reset': reset,
    ...ctx.baseHeaders,
  }
}

/** Sends a JSON answer. */
export function sendJson(ctx: ReplyContext, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  ctx.res.writeHead(status, {
    ...answerHeaders(ctx),
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  })
  ctx.res.end(text)
}

/** Sends Anthropic's error answer for a status. */
export function sendError(ctx: ReplyContext, status: number, message?: string): void {
  sendJson(ctx, status, errorBody(status, message))
}

/** Applies a `status` behaviour: the given or default error body, the given headers. */
export function sendStatus(ctx: ReplyContext, b: Extract<FakeBehaviour, { kind: 'status' }>): void {
  const body =
    b.body !== undefined ? b.body : b.status >= 400 ? errorBody(b.status) : { type: 'ok' }
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const defaults: Record<string, string> = b.status === 429 ? { 'retry-after': '1' } : {}
  ctx.res.writeHead(b.status, {
    ...answerHeaders(ctx),
    'content-type': 'application/json',
    ...defaults,
    ...b.headers,
    'content-length': String(Buffer.byteLength(text)),
  })
  ctx.res.end(text)
}

/** Applies a `redirect` behaviour (default 307, keeps the method). */
export function sendRedirect(
  ctx: ReplyContext,
  b: Extract<FakeBehaviour, { kind: 'redirect' }>,
): void {
  ctx.res.writeHead(b.status ?? 307, {
    ...answerHeaders(ctx),
    location: b.location,
    'content-length': '0',
  })
  ctx.res.end()
}

/** Applies a `fake-200` behaviour: 200 with the body as it is. */
export function sendFake200(
  ctx: ReplyContext,
  b: Extract<FakeBehaviour, { kind: 'fake-200' }>,
): void {
  const type =
    b.contentType ??
    (b.body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : 'application/json')
  ctx.res.writeHead(200, {
    ...answerHeaders(ctx),
    'content-type': type,
    'content-length': String(Buffer.byteLength(b.body)),
  })
  ctx.res.end(b.body)
}

/**
 * How a stream ends: normally, cut (socket destroyed), with an `event: error` frame, or cleanly
 * without `message_stop` (`no-stop`, at most `afterEvents` frames when given).
 */
export type StreamEnding =
  | { kind: 'end' }
  | { kind: 'no-stop'; afterEvents?: number }
  | { kind: 'cut'; afterEvents: number }
  | { kind: 'sse-error'; afterEvents: number; errorType: string; message: string }

/**
 * Streams the SSE sequence for `plan`: headers + the first frame after `firstByteDelayMs`,
 * each frame a separate write(), `eventDelayMs` before each `content_block_delta`.
 */
export async function sendStream(
  ctx: ReplyContext,
  plan: AnswerPlan,
  timing: { eventDelayMs?: number; firstByteDelayMs?: number },
  ending: StreamEnding,
): Promise<void> {
  const { res, signal } = ctx
  await sleep(timing.firstByteDelayMs ?? 0, signal)
  if (signal.aborted) return
  res.writeHead(200, {
    ...answerHeaders(ctx),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  })
  const all = streamEvents(plan)
  const frames = ending.kind === 'no-stop' ? all.filter(([e]) => e !== 'message_stop') : all
  const limit =
    ending.kind === 'end' || ending.afterEvents === undefined
      ? frames.length
      : Math.max(0, ending.afterEvents)
  let written = 0
  for (const [event, data] of frames) {
    if (written >= limit) break
    if (event === 'content_block_delta') await sleep(timing.eventDelayMs ?? 0, signal)
    if (signal.aborted || res.destroyed) return
    res.write(formatSseFrame(event, data))
    written++
  }
  if (ending.kind === 'cut') {
    // Let the written frames reach the client, then kill the connection mid-body.
    await new Promise<void>((resolve) => res.write('', () => resolve()))
    res.socket?.destroy()
    res.destroy()
    return
  }
  if (ending.kind === 'sse-error') {
    const error = { type: 'error', error: { type: ending.errorType, message: ending.message } }
    res.write(formatSseFrame('error', error))
  }
  res.end()
}
