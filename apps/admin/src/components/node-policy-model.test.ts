import { describe, expect, it, vi } from 'vitest'
import type { NodeView } from '../api/types'
import { policyBody, policyDraft, type PolicyDraft } from './node-policy-model'

// The English text with its placeholders filled; the real `t` reads the browser's preferences.
vi.mock('../i18n', () => ({
  t: (s: string, vars: Record<string, unknown> = {}) =>
    s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k])),
}))

const listed = {
  auth_header: 'bearer',
  extra_headers: { 'x-relay-token': '••••wxyz' },
  models: ['claude-sonnet-4-6', 'claude-opus-*'],
  model_map: { 'claude-opus-*': 'vendor/opus' },
  error_rules: [
    { status: 429, contains: 'quota', action: 'cooldown', cooldown_sec: 90 },
    { status: '5xx', action: 'return' },
  ],
  no_failover: true,
  strip_tool_fields: false,
  sticky_ttl_sec: 300,
} satisfies Partial<NodeView>

const body = (d: PolicyDraft) => {
  const out = policyBody(d)
  if ('error' in out) throw new Error(out.error)
  return out.body
}
const errorOf = (d: PolicyDraft) => {
  const out = policyBody(d)
  return 'error' in out ? out.error : null
}

describe('node form: policies', () => {
  it('a new node defaults to today’s behaviour', () => {
    expect(body(policyDraft())).toEqual({
      auth_header: 'x-api-key',
      extra_headers: {},
      models: null,
      model_map: null,
      error_rules: [],
      no_failover: false,
      strip_tool_fields: false,
      sticky_ttl_sec: null,
    })
  })

  it('an untouched listed node posts its values back, saved header values kept as ""', () => {
    const d = policyDraft(listed as unknown as NodeView)
    expect(d.headers).toEqual([{ name: 'x-relay-token', value: '', masked: '••••wxyz' }])
    expect(body(d)).toEqual({ ...listed, extra_headers: { 'x-relay-token': '' } })
  })

  it('reads typed rows: retyped header values, blank rows dropped, statuses parsed', () => {
    const d: PolicyDraft = {
      ...policyDraft(listed as unknown as NodeView),
      models: ' claude-a \n\n claude-b*, claude-c ',
      headers: [
        { name: 'x-relay-token', value: 'new-secret', masked: '••••wxyz' },
        { name: ' x-more ', value: 'v' },
        { name: '', value: '' },
      ],
      modelMap: [
        { from: ' a* ', to: ' b ' },
        { from: '', to: '' },
      ],
      rules: [
        { status: '5XX', contains: '  ', action: 'fail', cooldownSec: '30' },
        { status: '', contains: 'overloaded', action: 'cooldown', cooldownSec: '' },
      ],
      stickyTtlSec: '0',
    }
    expect(body(d)).toMatchObject({
      models: ['claude-a', 'claude-b*', 'claude-c'],
      extra_headers: { 'x-relay-token': 'new-secret', 'x-more': 'v' },
      model_map: { 'a*': 'b' },
      error_rules: [
        { status: '5xx', action: 'fail' },
        { contains: 'overloaded', action: 'cooldown' },
      ],
      sticky_ttl_sec: 0,
    })
  })

  it('names the first problem', () => {
    const base = policyDraft()
    expect(errorOf({ ...base, headers: [{ name: 'x-new', value: '' }] })).toBe(
      'Extra header x-new needs a value.',
    )
    expect(errorOf({ ...base, headers: [{ name: '', value: 'v' }] })).toMatch(/needs a name/)
    expect(errorOf({ ...base, modelMap: [{ from: 'a', to: '' }] })).toMatch(/both models/)
    const rule = { status: '600', contains: '', action: 'fail', cooldownSec: '' } as const
    expect(errorOf({ ...base, rules: [rule] })).toBe(
      'Rule 1: status must be 100 to 599, 4xx or 5xx.',
    )
    expect(errorOf({ ...base, rules: [{ ...rule, status: '3xx' }] })).toMatch(/^Rule 1: status/)
    expect(
      errorOf({
        ...base,
        rules: [{ ...rule, status: '', action: 'cooldown', cooldownSec: '1.5' }],
      }),
    ).toMatch(/^Rule 1: cooldown/)
    expect(errorOf({ ...base, stickyTtlSec: '-5' })).toMatch(/Sticky TTL/)
  })
})
