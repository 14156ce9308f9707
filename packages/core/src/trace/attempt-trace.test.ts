import { describe, expect, it } from 'vitest'
import { classifyUpstreamOutcome } from '../classify/classify'
import type { SelectionReason } from '../select/select'
import type { AttemptOutcome, ErrorRule } from '../types'
import {
  PICKED_BY,
  TRACE_MESSAGE_MAX,
  TRACE_OUTCOMES,
  pickedByOf,
  traceErrorOf,
  traceOutcomeOf,
  type TraceOutcome,
} from './attempt-trace'

const now = 1_000_000
const decide = (o: AttemptOutcome, errorRules?: ErrorRule[]) =>
  classifyUpstreamOutcome(o, { now, errorRules })
const outcomeOf = (o: AttemptOutcome, errorRules?: ErrorRule[]) =>
  traceOutcomeOf(o, decide(o, errorRules))
const errorBody = (type: string, message: string) =>
  JSON.stringify({ type: 'error', error: { type, message } })

describe('docs/contract.md §12.1: who picked the node', () => {
  it('names each selection step in the trace’s four words', () => {
    const cases: [SelectionReason, boolean, string][] = [
      ['active', false, 'activated'],
      ['sticky', false, 'sticky'],
      ['least_in_flight', false, 'tier'],
      ['session_hash', false, 'tier'],
      ['cost_first', false, 'tier'],
      ['last_resort', true, 'last_resort'],
      // The whole-pool-down attempt is the last resort whatever step found its node.
      ['least_in_flight', true, 'last_resort'],
    ]
    for (const [reason, lastResort, want] of cases) {
      expect(pickedByOf(reason, lastResort), reason).toBe(want)
      expect(PICKED_BY).toContain(want)
    }
  })
})

describe('docs/contract.md §12.1: how an attempt ended', () => {
  it('gives every outcome class from core’s verdict', () => {
    const cases: [AttemptOutcome, TraceOutcome][] = [
      [{ kind: 'first_event', status: 200, eventType: 'message_start' }, 'ok'],
      [{ kind: 'response', status: 200, bodySnippet: '{"id":"msg_1","type":"message"}' }, 'ok'],
      [
        { kind: 'response', status: 400, bodySnippet: errorBody('invalid_request_error', 'x') },
        'client_error',
      ],
      [{ kind: 'client_abort' }, 'client_error'],
      [{ kind: 'response', status: 401 }, 'auth'],
      [{ kind: 'response', status: 403 }, 'auth'],
      [{ kind: 'response', status: 402 }, 'auth'],
      [{ kind: 'response', status: 429 }, 'rate_limited'],
      [{ kind: 'response', status: 529 }, 'overloaded'],
      [{ kind: 'response', status: 200, bodySnippet: '<html>oops</html>' }, 'fake_200'],
      [{ kind: 'response', status: 503 }, 'server_error'],
      [{ kind: 'response', status: 302 }, 'server_error'],
      [{ kind: 'response', status: 408 }, 'timeout'],
      [{ kind: 'connect_error', code: 'ECONNREFUSED' }, 'network'],
      [{ kind: 'connect_error', code: 'QCC_ADDRESS_REFUSED' }, 'network'],
      [{ kind: 'connect_error', code: 'UND_ERR_CONNECT_TIMEOUT' }, 'timeout'],
      [{ kind: 'timeout_first_byte', phase: 'headers' }, 'timeout'],
      [{ kind: 'after_commit_failure', cause: 'reset' }, 'midstream'],
      [{ kind: 'after_commit_failure', cause: 'incomplete' }, 'midstream'],
      [
        { kind: 'after_commit_failure', cause: 'error_event', errorType: 'overloaded_error' },
        'midstream',
      ],
    ]
    const seen = new Set<TraceOutcome>()
    for (const [outcome, want] of cases) {
      expect(outcomeOf(outcome), JSON.stringify(outcome)).toBe(want)
      seen.add(want)
    }
    // The table above covers the whole vocabulary.
    expect([...seen].sort()).toEqual([...TRACE_OUTCOMES].sort())
  })

  it('reads an error rule’s verdict by its status; `return` is the client’s own answer', () => {
    const o: AttemptOutcome = { kind: 'response', status: 400, bodySnippet: 'upstream busy' }
    expect(outcomeOf(o, [{ status: 400, contains: 'busy', action: 'cooldown' }])).toBe(
      'client_error',
    )
    const busy: AttemptOutcome = { kind: 'response', status: 429, bodySnippet: 'x' }
    expect(outcomeOf(busy, [{ status: 429, action: 'failover' }])).toBe('rate_limited')
    const ret: AttemptOutcome = { kind: 'response', status: 503, bodySnippet: 'x' }
    expect(outcomeOf(ret, [{ status: 503, action: 'return' }])).toBe('client_error')
    expect(outcomeOf(ret, [{ status: 503, action: 'fail' }])).toBe('server_error')
  })
})

describe('docs/contract.md §12.1: the error of an attempt, redacted', () => {
  it('keeps an Anthropic error’s type and message, with secrets and key-shaped tokens redacted', () => {
    const o: AttemptOutcome = {
      kind: 'response',
      status: 401,
      bodySnippet: errorBody(
        'authentication_error',
        'bad key node-secret-42 or sk-ant-api03-zzzzzzzz',
      ),
    }
    expect(traceErrorOf(o, decide(o), ['node-secret-42'])).toEqual({
      errorType: 'authentication_error',
      errorMessage: 'bad key [redacted] or [redacted]',
    })
  })

  it('cuts the message to 200 characters and puts it on one line', () => {
    const o: AttemptOutcome = {
      kind: 'response',
      status: 500,
      bodySnippet: errorBody('api_error', `line one\nline two ${'word '.repeat(80)}`),
    }
    const { errorMessage } = traceErrorOf(o, decide(o))
    expect(errorMessage).toHaveLength(TRACE_MESSAGE_MAX)
    expect(errorMessage).toMatch(/^line one line two (word )+wo$/)
  })

  it('keeps no other body text: HTML and plain text give core’s detail only', () => {
    const html: AttemptOutcome = {
      kind: 'response',
      status: 502,
      bodySnippet: '<html>internal host db-7.corp password=hunter2</html>',
    }
    expect(traceErrorOf(html, decide(html))).toEqual({ errorType: null, errorMessage: 'http_502' })
    const fake: AttemptOutcome = {
      kind: 'response',
      status: 200,
      bodySnippet: '<html>login</html>',
    }
    expect(traceErrorOf(fake, decide(fake))).toEqual({ errorType: null, errorMessage: 'http_200' })
    const conn: AttemptOutcome = { kind: 'connect_error', code: 'ECONNREFUSED' }
    expect(traceErrorOf(conn, decide(conn))).toEqual({
      errorType: null,
      errorMessage: 'connect_refused',
    })
  })

  it('reads a stream’s first `event: error` and names a failure after the commit by its cause', () => {
    const first: AttemptOutcome = {
      kind: 'first_event',
      status: 200,
      eventType: 'error',
      data: errorBody('overloaded_error', 'Overloaded'),
    }
    expect(traceErrorOf(first, decide(first))).toEqual({
      errorType: 'overloaded_error',
      errorMessage: 'Overloaded',
    })
    const cut: AttemptOutcome = { kind: 'after_commit_failure', cause: 'reset' }
    expect(traceErrorOf(cut, decide(cut))).toEqual({ errorType: null, errorMessage: 'reset' })
    const frame: AttemptOutcome = {
      kind: 'after_commit_failure',
      cause: 'error_event',
      errorType: 'Not A Type <script>',
    }
    expect(traceErrorOf(frame, decide(frame))).toEqual({
      errorType: null,
      errorMessage: 'error_event',
    })
  })

  it('has no error for an attempt that went well', () => {
    const ok: AttemptOutcome = { kind: 'first_event', status: 200, eventType: 'message_start' }
    expect(traceErrorOf(ok, decide(ok))).toEqual({ errorType: null, errorMessage: null })
  })
})
