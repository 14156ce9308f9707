import type { NodeInput, NodeView } from '../api/types'
import { t } from '../i18n'

// The node form's policy part (docs/contract.md §13) as text the user types, and back.

export type AuthHeader = NodeView['auth_header']
export type RuleAction = NodeView['error_rules'][number]['action']
export const AUTH_HEADERS: readonly AuthHeader[] = ['x-api-key', 'bearer', 'both']
export const RULE_ACTIONS: readonly RuleAction[] = ['failover', 'return', 'cooldown', 'fail']

/** A `{from: to}` row of the model map. */
export interface PairRow {
  from: string
  to: string
}
/**
 * An extra header row. `masked` is the saved value as the list shows it: a row that has one and
 * an empty `value` keeps the saved value (sent as `""`); the value itself never reaches the console.
 */
export interface HeaderRow {
  name: string
  value: string
  masked?: string
}
/** An error rule as typed: status `""` (any), a code or `4xx`/`5xx`; cooldown only for cooldown. */
export interface RuleRow {
  status: string
  contains: string
  action: RuleAction
  cooldownSec: string
}

export interface PolicyDraft {
  authHeader: AuthHeader
  /** One model id per line; empty: every model. */
  models: string
  modelMap: PairRow[]
  headers: HeaderRow[]
  rules: RuleRow[]
  noFailover: boolean
  stripToolFields: boolean
  /** Seconds; empty: the account's. */
  stickyTtlSec: string
}

export type PolicyBody = Pick<
  NodeInput,
  | 'auth_header'
  | 'extra_headers'
  | 'models'
  | 'model_map'
  | 'error_rules'
  | 'no_failover'
  | 'strip_tool_fields'
  | 'sticky_ttl_sec'
>
type RuleBody = NonNullable<PolicyBody['error_rules']>[number]

/** The draft of a node (or of a new one: today's defaults). */
export function policyDraft(n?: NodeView): PolicyDraft {
  return {
    authHeader: n?.auth_header ?? 'x-api-key',
    models: (n?.models ?? []).join('\n'),
    modelMap: Object.entries(n?.model_map ?? {}).map(([from, to]) => ({ from, to })),
    headers: Object.entries(n?.extra_headers ?? {}).map(([name, masked]) => ({
      name,
      value: '',
      masked,
    })),
    rules: (n?.error_rules ?? []).map((r) => ({
      status: r.status === undefined ? '' : String(r.status),
      contains: r.contains ?? '',
      action: r.action,
      cooldownSec: r.cooldown_sec === undefined ? '' : String(r.cooldown_sec),
    })),
    noFailover: n?.no_failover ?? false,
    stripToolFields: n?.strip_tool_fields ?? false,
    stickyTtlSec: n?.sticky_ttl_sec == null ? '' : String(n.sticky_ttl_sec),
  }
}

const wholeNumber = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : null)

function ruleBody(r: RuleRow, i: number): RuleBody | string {
  const rule: RuleBody = { action: r.action }
  const status = r.status.trim().toLowerCase()
  if (status === '4xx' || status === '5xx') rule.status = status
  else if (status !== '') {
    const code = wholeNumber(status)
    if (code === null || code < 100 || code > 599) {
      return t('Rule {n}: status must be 100 to 599, 4xx or 5xx.', { n: i + 1 })
    }
    rule.status = code
  }
  if (r.contains.trim() !== '') rule.contains = r.contains.trim()
  if (r.action === 'cooldown' && r.cooldownSec.trim() !== '') {
    const sec = wholeNumber(r.cooldownSec)
    if (sec === null || sec < 1) {
      return t('Rule {n}: cooldown must be a whole number of seconds.', { n: i + 1 })
    }
    rule.cooldown_sec = sec
  }
  return rule
}

/** The policy fields of the draft as the API takes them, or the first error to show. */
export function policyBody(d: PolicyDraft): { body: PolicyBody } | { error: string } {
  const headers: Record<string, string> = {}
  for (const h of d.headers) {
    const name = h.name.trim()
    if (name === '' && h.value === '') continue
    if (name === '') return { error: t('Every extra header needs a name.') }
    if (h.value === '' && h.masked === undefined) {
      return { error: t('Extra header {name} needs a value.', { name }) }
    }
    headers[name] = h.value
  }
  const map: Record<string, string> = {}
  for (const p of d.modelMap) {
    if (p.from.trim() === '' && p.to.trim() === '') continue
    if (p.from.trim() === '' || p.to.trim() === '') {
      return { error: t('Every model map row needs both models.') }
    }
    map[p.from.trim()] = p.to.trim()
  }
  const rules: RuleBody[] = []
  for (const [i, r] of d.rules.entries()) {
    const rule = ruleBody(r, i)
    if (typeof rule === 'string') return { error: rule }
    rules.push(rule)
  }
  const ttl = d.stickyTtlSec.trim()
  const sticky = ttl === '' ? null : wholeNumber(ttl)
  if (ttl !== '' && sticky === null) {
    return { error: t('Sticky TTL must be a whole number of seconds.') }
  }
  const models = d.models
    .split(/[\n,]/)
    .map((m) => m.trim())
    .filter((m) => m !== '')
  return {
    body: {
      auth_header: d.authHeader,
      extra_headers: headers,
      models: models.length > 0 ? models : null,
      model_map: Object.keys(map).length > 0 ? map : null,
      error_rules: rules,
      no_failover: d.noFailover,
      strip_tool_fields: d.stripToolFields,
      sticky_ttl_sec: sticky,
    },
  }
}
