import { describe, expect, it } from 'vitest'
import type { AttemptOutcome, ErrorRule } from '../types'
import { classifyUpstreamOutcome } from './classify'

const now = 1_000_000

describe('docs/contract.md §13: error rules come before the built-in table', () => {
  it('return passes a 5xx through without penalising the node', () => {
    const rules: ErrorRule[] = [{ status: '5xx', contains: 'maintenance', action: 'return' }]
    const out: AttemptOutcome = { kind: 'response', status: 503, bodySnippet: 'Under MAINTENANCE' }
    expect(classifyUpstreamOutcome(out, { now, errorRules: rules })).toMatchObject({
      result: 'pass_through',
      retry: false,
      nodeEffect: 'none',
      reason: 'error_rule',
      status: 503,
    })
    // Without the rule: the table's server_error.
    expect(classifyUpstreamOutcome(out, { now })).toMatchObject({
      result: 'failed',
      reason: 'server_error',
    })
  })
  it('failover turns a passed-through 4xx into a node fault', () => {
    const out: AttemptOutcome = { kind: 'response', status: 404 }
    const d = classifyUpstreamOutcome(out, {
      now,
      errorRules: [{ status: 404, action: 'failover' }],
    })
    expect(d).toMatchObject({ result: 'failed', retry: true, nodeEffect: 'failure' })
    expect(d.detail).toBe('http_404')
  })
  it('cooldown rests the node for cooldownSec instead of the table effect', () => {
    const out: AttemptOutcome = { kind: 'response', status: 500, bodySnippet: 'quota' }
    const d = classifyUpstreamOutcome(out, {
      now,
      errorRules: [{ contains: 'QUOTA', action: 'cooldown', cooldownSec: 120 }],
    })
    expect(d).toMatchObject({ result: 'failed', retry: true, nodeEffect: 'cooldown' })
    expect(d.cooldownUntil).toBe(now + 120_000)
  })
  it('fail fails the node at once', () => {
    const out: AttemptOutcome = { kind: 'response', status: 400, bodySnippet: 'key revoked' }
    const d = classifyUpstreamOutcome(out, {
      now,
      errorRules: [{ contains: 'revoked', action: 'fail' }],
    })
    expect(d).toMatchObject({ result: 'failed', retry: true, nodeEffect: 'fail_now' })
  })
  it('applies to an error first event of a stream', () => {
    const out: AttemptOutcome = {
      kind: 'first_event',
      status: 200,
      eventType: 'error',
      data: '{"type":"error","error":{"type":"api_error","message":"relay busy"}}',
    }
    const d = classifyUpstreamOutcome(out, {
      now,
      errorRules: [{ contains: 'relay busy', action: 'return' }],
    })
    expect(d).toMatchObject({ result: 'pass_through', nodeEffect: 'none', reason: 'error_rule' })
  })
  it('never touches successes, connect errors or rules that do not match', () => {
    const rules: ErrorRule[] = [
      { status: 502, action: 'return' },
      { contains: 'zzz', action: 'fail' },
    ]
    const ok: AttemptOutcome = { kind: 'first_event', status: 200, eventType: 'message_start' }
    expect(classifyUpstreamOutcome(ok, { now, errorRules: rules }).result).toBe('success')
    const conn: AttemptOutcome = { kind: 'connect_error', code: 'ECONNREFUSED' }
    expect(classifyUpstreamOutcome(conn, { now, errorRules: [{ action: 'return' }] })).toEqual(
      classifyUpstreamOutcome(conn, { now }),
    )
    const r429: AttemptOutcome = { kind: 'response', status: 429, headers: { 'retry-after': '7' } }
    expect(classifyUpstreamOutcome(r429, { now, errorRules: rules })).toEqual(
      classifyUpstreamOutcome(r429, { now }),
    )
  })
})

describe('docs/contract.md §13: fake 200', () => {
  it('fails over on an HTML page or an error object answered 2xx', () => {
    for (const bodySnippet of [
      '\n  <html><body>502</body></html>',
      '{"type":"error","error":{"type":"api_error","message":"x"}}',
    ]) {
      const d = classifyUpstreamOutcome({ kind: 'response', status: 200, bodySnippet }, { now })
      expect(d).toMatchObject({
        result: 'failed',
        retry: true,
        nodeEffect: 'failure',
        reason: 'fake_200',
        detail: 'http_200',
        origin: 'upstream',
        status: 200,
      })
    }
  })
  it('lets a normal message, or an answer without a body snippet, succeed', () => {
    const bodySnippet = '{"id":"msg_1","type":"message","content":[]}'
    expect(
      classifyUpstreamOutcome({ kind: 'response', status: 200, bodySnippet }, { now }).result,
    ).toBe('success')
    expect(classifyUpstreamOutcome({ kind: 'response', status: 200 }, { now }).result).toBe(
      'success',
    )
  })
  it('keeps unparsable as it was', () => {
    const d = classifyUpstreamOutcome(
      { kind: 'response', status: 200, unparsable: true, bodySnippet: '{"id"' },
      { now },
    )
    expect(d.reason).toBe('unparsable')
  })
})

describe('docs/contract.md §13: a stream that ends without message_stop', () => {
  it('is a node failure after the commit, never retried', () => {
    const d = classifyUpstreamOutcome(
      { kind: 'after_commit_failure', cause: 'incomplete' },
      { now },
    )
    expect(d).toMatchObject({
      result: 'failed',
      retry: false,
      nodeEffect: 'failure',
      reason: 'stream_failed',
      detail: 'http_200',
      origin: 'upstream',
    })
  })
})
