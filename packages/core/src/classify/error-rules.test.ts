import { describe, expect, it } from 'vitest'
import type { ErrorRule } from '../types'
import { decideByErrorRule, ERROR_RULE_BODY_CHARS, matchErrorRule } from './error-rules'

describe('docs/contract.md §13: matchErrorRule', () => {
  it('matches a status exactly', () => {
    const rules: ErrorRule[] = [{ status: 503, action: 'return' }]
    expect(matchErrorRule(rules, 503, '')).toBe(rules[0])
    expect(matchErrorRule(rules, 502, '')).toBeUndefined()
  })
  it('matches the 4xx and 5xx classes and nothing outside them', () => {
    const four: ErrorRule = { status: '4xx', action: 'fail' }
    const five: ErrorRule = { status: '5xx', action: 'failover' }
    expect(matchErrorRule([four], 400, '')).toBe(four)
    expect(matchErrorRule([four], 499, '')).toBe(four)
    expect(matchErrorRule([four], 500, '')).toBeUndefined()
    expect(matchErrorRule([four], 399, '')).toBeUndefined()
    expect(matchErrorRule([five], 500, '')).toBe(five)
    expect(matchErrorRule([five], 599, '')).toBe(five)
    expect(matchErrorRule([five], 600, '')).toBeUndefined()
    expect(matchErrorRule([five], 429, '')).toBeUndefined()
  })
  it('matches contains as a case-insensitive substring, never a regular expression', () => {
    const rule: ErrorRule = { contains: 'Quota Exceeded', action: 'cooldown' }
    expect(matchErrorRule([rule], 400, '{"msg":"daily QUOTA exceeded"}')).toBe(rule)
    expect(matchErrorRule([rule], 400, '{"msg":"quota ok"}')).toBeUndefined()
    expect(matchErrorRule([rule], 400, undefined)).toBeUndefined()
    const dot: ErrorRule = { contains: 'a.c', action: 'fail' }
    expect(matchErrorRule([dot], 500, 'abc')).toBeUndefined()
    expect(matchErrorRule([dot], 500, 'xa.cx')).toBe(dot)
  })
  it('looks only at the first 4 KiB of the body', () => {
    const rule: ErrorRule = { contains: 'needle', action: 'fail' }
    const pad = 'x'.repeat(ERROR_RULE_BODY_CHARS - 6)
    expect(matchErrorRule([rule], 500, `${pad}needle`)).toBe(rule)
    expect(matchErrorRule([rule], 500, `${pad}xneedle`)).toBeUndefined()
  })
  it('needs both status and contains when a rule has both', () => {
    const rule: ErrorRule = { status: 500, contains: 'boom', action: 'return' }
    expect(matchErrorRule([rule], 500, 'boom')).toBe(rule)
    expect(matchErrorRule([rule], 502, 'boom')).toBeUndefined()
    expect(matchErrorRule([rule], 500, 'calm')).toBeUndefined()
  })
  it('lets a rule with neither match every error answer, and the first match win', () => {
    const specific: ErrorRule = { status: 404, action: 'failover' }
    const any: ErrorRule = { action: 'return' }
    expect(matchErrorRule([specific, any], 404, '')).toBe(specific)
    expect(matchErrorRule([specific, any], 529, 'whatever')).toBe(any)
    expect(matchErrorRule([any, specific], 404, '')).toBe(any)
  })
  it('gives undefined without rules', () => {
    expect(matchErrorRule(undefined, 500, 'x')).toBeUndefined()
    expect(matchErrorRule([], 500, 'x')).toBeUndefined()
  })
})

describe('docs/contract.md §13: decideByErrorRule', () => {
  const now = 1_000_000
  it('failover: a node fault, try the next node', () => {
    expect(decideByErrorRule({ action: 'failover' }, 404, 'http_404', { now })).toMatchObject({
      result: 'failed',
      retry: true,
      nodeEffect: 'failure',
      reason: 'error_rule',
      detail: 'http_404',
      origin: 'upstream',
      status: 404,
    })
  })
  it('return: the answer goes to the client as it is and the node is not penalised', () => {
    expect(decideByErrorRule({ action: 'return' }, 503, 'http_503', { now })).toMatchObject({
      result: 'pass_through',
      retry: false,
      nodeEffect: 'none',
      status: 503,
    })
  })
  it('cooldown: rests the node cooldownSec (default 60), capped, and tries the next', () => {
    const d = decideByErrorRule({ action: 'cooldown' }, 500, 'http_500', { now })
    expect(d).toMatchObject({ result: 'failed', retry: true, nodeEffect: 'cooldown' })
    expect(d.cooldownUntil).toBe(now + 60_000)
    const own = decideByErrorRule({ action: 'cooldown', cooldownSec: 5 }, 500, 'x', { now })
    expect(own.cooldownUntil).toBe(now + 5_000)
    const capped = decideByErrorRule({ action: 'cooldown', cooldownSec: 9999 }, 500, 'x', {
      now,
      cooldownMaxMs: 120_000,
    })
    expect(capped.cooldownUntil).toBe(now + 120_000)
  })
  it('fail: fails the node at once and tries the next', () => {
    expect(decideByErrorRule({ action: 'fail' }, 500, 'http_500', { now })).toMatchObject({
      result: 'failed',
      retry: true,
      nodeEffect: 'fail_now',
    })
  })
})
