import type { IncomingMessage } from 'node:http'
import type { Readable } from 'node:stream'
import type { AttemptOutcome } from '@qcc/core'
import { AnswerHeadTimeoutError, readAnswerHead } from './answer-head'
import type { RouteTarget } from '../routing/types'
import type { Cancellation } from './cancellation'
import { buildUpstreamHeaders } from './headers'
import { FirstEventTimeoutError, readFirstEvent } from './sse-first-event'
import { HEADERS_TIMEOUT, type UpstreamClient, type UpstreamResponse } from './upstream'

/** Upstream error bodies are read for classification only; more than this is not needed. */
const ERROR_BODY_CAP = 64 * 1024

/** An upstream's non-2xx answer, as core classifies it and as a pass-through forwards it. */
export type ErrorAnswer = Extract<AttemptOutcome, { kind: 'response' }> & {
  readonly headers: UpstreamResponse['headers']
  /** The body, read up to 64 KiB. */
  readonly bodySnippet: string
}

/** How one attempt went up to the commit point. */
export type AttemptResult =
  /** No usable answer; `outcome` says why, in core's words. */
  | { kind: 'failed'; outcome: AttemptOutcome }
  /** The node answered with an error status. */
  | { kind: 'answered'; outcome: ErrorAnswer }
  /**
   * The commit point, if core agrees (a plain answer's head may be a fake 200): a 2xx plain
   * answer, or a stream whose first event is good.
   */
  | {
      kind: 'ready'
      outcome: AttemptOutcome
      response: UpstreamResponse
      /** An SSE stream (else a plain answer). */
      isSse: boolean
      /** Bytes already read (the first SSE frame, a plain answer's head); they go first. */
      first: Buffer[]
    }

export interface AttemptRequest {
  upstream: UpstreamClient
  req: Pick<IncomingMessage, 'method' | 'headers'>
  /** The body for this node (`bodyForNode`): the client's bytes unless a rewrite applied. */
  body: Buffer | undefined
  /** Path and query as the client sent them. */
  path: string
  target: RouteTarget
  /** Time allowed for headers and, for a stream, its first event. */
  timeoutMs: number
  /** Aborted when the client goes away: the upstream call is cancelled with it. */
  clientGone: Cancellation
}

/**
 * Calls one node and reads as far as the commit point: the status and first bytes of a plain
 * answer (so a fake 200 is a failed attempt, docs/contract.md §13), the first whole SSE event of
 * a stream (so an `event: error` that comes first is one).
 */
export async function attemptUpstream(a: AttemptRequest): Promise<AttemptResult> {
  let response: UpstreamResponse
  try {
    response = await a.upstream.send({
      baseUrl: a.target.baseUrl,
      path: a.path,
      method: a.req.method === 'POST' ? 'POST' : 'GET',
      headers: buildUpstreamHeaders(a.req.headers, a.target, a.body?.length),
      body: a.body,
      cancel: a.clientGone,
      headersTimeoutMs: a.timeoutMs,
      allowPrivate: a.target.allowPrivate,
    })
  } catch (err) {
    return { kind: 'failed', outcome: transportFailure(err) }
  }
  const status = response.statusCode
  const headers = response.headers
  if (status < 200 || status >= 300) {
    const text = await readCapped(response.body, ERROR_BODY_CAP).catch(() => '')
    return { kind: 'answered', outcome: { kind: 'response', status, headers, bodySnippet: text } }
  }
  if (!String(headers['content-type'] ?? '').includes('text/event-stream')) {
    return readPlainAnswer(response, a.timeoutMs)
  }
  try {
    const first = await readFirstEvent(response.body, a.timeoutMs)
    if (first.event === 'error') {
      response.body.destroy()
      const data = first.data ?? ''
      const outcome: AttemptOutcome = {
        kind: 'first_event',
        status,
        headers,
        eventType: 'error',
        data,
      }
      return { kind: 'failed', outcome }
    }
    if (first.event === undefined) {
      response.body.destroy()
      const outcome: AttemptOutcome = {
        kind: 'response',
        status,
        headers,
        bodySnippet: '',
        unparsable: true,
      }
      return { kind: 'failed', outcome }
    }
    const outcome: AttemptOutcome = { kind: 'first_event', status, eventType: first.event }
    return { kind: 'ready', outcome, response, isSse: true, first: first.chunks }
  } catch (err) {
    response.body.destroy()
    if (err instanceof FirstEventTimeoutError) {
      return { kind: 'failed', outcome: { kind: 'timeout_first_byte', phase: 'first_event' } }
    }
    return { kind: 'failed', outcome: transportFailure(err) }
  }
}

/** A plain 2xx answer: its head decides between the commit and a fake 200. */
async function readPlainAnswer(
  response: UpstreamResponse,
  timeoutMs: number,
): Promise<AttemptResult> {
  const status = response.statusCode
  let head
  try {
    const length = Number(response.headers['content-length'])
    head = await readAnswerHead(
      response.body,
      timeoutMs,
      Number.isFinite(length) ? length : undefined,
    )
  } catch (err) {
    response.body.destroy()
    if (err instanceof AnswerHeadTimeoutError) {
      return { kind: 'failed', outcome: { kind: 'timeout_first_byte', phase: 'headers' } }
    }
    return { kind: 'failed', outcome: transportFailure(err) }
  }
  // Core tells a fake 200 from the head (docs/contract.md §13); the loop commits only on success.
  const outcome: AttemptOutcome = { kind: 'response', status, bodySnippet: head.text }
  return { kind: 'ready', outcome, response, isSse: false, first: head.chunks }
}

function transportFailure(err: unknown): AttemptOutcome {
  const code = (err as { code?: string }).code
  if (code === HEADERS_TIMEOUT) return { kind: 'timeout_first_byte', phase: 'headers' }
  return { kind: 'connect_error', code }
}

function readCapped(body: Readable, cap: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    body.on('data', (chunk: Buffer) => {
      if (size < cap) chunks.push(chunk)
      size += chunk.length
    })
    body.on('end', () => resolve(Buffer.concat(chunks).subarray(0, cap).toString('utf8')))
    body.on('error', reject)
  })
}
