import { describe, expect, it } from 'vitest'
import { ApiError } from './errors'
import { maskHeaderValue, resolveKeptHeaders, toPolicyInput } from './node-policy-schema'

const refusal = (fn: () => unknown) => {
  try {
    fn()
  } catch (err) {
    if (err instanceof ApiError) return `${err.code} ${err.message}`
    throw err
  }
  return 'accepted'
}

describe('node policy fields (docs/contract.md §13)', () => {
  it('maps the API spelling to the store’s, seconds to ms', () => {
    expect(
      toPolicyInput({
        auth_header: 'both',
        error_rules: [{ status: '4xx', action: 'cooldown', cooldown_sec: 5 }],
        sticky_ttl_sec: 90,
        no_failover: true,
      }),
    ).toEqual({
      authHeader: 'both',
      errorRules: [{ status: '4xx', action: 'cooldown', cooldownSec: 5 }],
      stickyTtlMs: 90_000,
      noFailover: true,
    })
    expect(toPolicyInput({ sticky_ttl_sec: null, models: null })).toEqual({
      stickyTtlMs: null,
      models: null,
    })
  })

  it('answers the store’s refusals as 400s naming the API field', () => {
    expect(refusal(() => toPolicyInput({ extra_headers: { Cookie: 'a=b' } }))).toBe(
      'invalid_request extra_headers: may not set "Cookie" (the proxy owns it)',
    )
    expect(refusal(() => toPolicyInput({ model_map: { 'a b': 'c' } }))).toMatch(
      /^invalid_request model_map: /,
    )
  })

  it('"" keeps a saved header value (by name, any case); unknown names are refused', () => {
    const saved = { 'X-Token': 'saved-secret' }
    expect(resolveKeptHeaders({ 'x-token': '', 'x-new': 'v' }, saved)).toEqual({
      'x-token': 'saved-secret',
      'x-new': 'v',
    })
    expect(resolveKeptHeaders(null, saved)).toBeNull()
    expect(resolveKeptHeaders(undefined, saved)).toBeUndefined()
    expect(refusal(() => resolveKeptHeaders({ 'x-other': '' }, saved))).toMatch(
      /^invalid_request extra_headers: .*no saved value/,
    )
    expect(refusal(() => resolveKeptHeaders({ 'x-token': '' }, null))).toMatch(/no saved value/)
  })

  it('masks header values with the api key hint rule', () => {
    expect(maskHeaderValue('0123456789abcdef')).toBe('••••cdef')
    expect(maskHeaderValue('0123456789abcde')).toBe('••••')
    expect(maskHeaderValue('')).toBe('••••')
  })
})
