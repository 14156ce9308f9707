import {
  AUTH_HEADER_MODES,
  ERROR_RULE_ACTIONS,
  type AuthHeaderMode,
  type ErrorRule,
  type ErrorRuleAction,
} from '@qcc/core'
import { nodeHeadersAad, resealed } from '../crypto/node-key'
import type { SecretBox } from '../crypto/secret-box'
import { StoreError } from '../errors'
import type { NodePolicyInput } from '../types/nodes'

// Node policy fields and their checks (docs/contract.md §13).

const invalid = (field: string, rule: string) => new StoreError('invalid', `${field} ${rule}`)
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A model id (as in limits), optionally ending in `*`. */
const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/[\]-]{0,127}\*?$/
/** An RFC 9110 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Headers the proxy owns (auth, framing, hop-by-hop, forwarding, the client's cookies and encoding). */
const OWNED = new Set([
  'authorization',
  'x-api-key',
  'host',
  'content-length',
  'forwarded',
  'cookie',
  'accept-encoding',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])
const isOwned = (lower: string) =>
  OWNED.has(lower) || lower.startsWith('proxy-') || lower.startsWith('x-forwarded-')

/** `auth_header`: one of AUTH_HEADER_MODES. @throws StoreError `invalid` */
export function checkAuthHeader(v: unknown): AuthHeaderMode {
  if (!AUTH_HEADER_MODES.includes(v as AuthHeaderMode)) {
    throw invalid('authHeader', `must be one of ${AUTH_HEADER_MODES.join(', ')}`)
  }
  return v as AuthHeaderMode
}

/**
 * `extra_headers`: at most 20, names valid tokens (distinct regardless of case) the proxy does
 * not own, values without CR, LF or NUL of at most 4 KiB. `{}` is none. @throws StoreError `invalid`
 */
export function checkExtraHeaders(v: unknown): Record<string, string> | null {
  if (v === null) return null
  if (!isPlainObject(v)) throw invalid('extraHeaders', 'must be an object of names to values')
  const entries = Object.entries(v)
  if (entries.length > 20) throw invalid('extraHeaders', 'must have at most 20 headers')
  const seen = new Set<string>()
  for (const [name, value] of entries) {
    const lower = name.toLowerCase()
    if (!TOKEN.test(name) || name.length > 256) {
      throw invalid('extraHeaders', `name "${name.slice(0, 64)}" is not a valid header name`)
    }
    if (isOwned(lower)) throw invalid('extraHeaders', `may not set "${name}" (the proxy owns it)`)
    if (seen.has(lower)) throw invalid('extraHeaders', `names "${name}" twice`)
    seen.add(lower)
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      throw invalid('extraHeaders', `value of "${name}" must be a string without CR, LF or NUL`)
    }
    if (Buffer.byteLength(value, 'utf8') > 4096) {
      throw invalid('extraHeaders', `value of "${name}" must be at most 4 KiB`)
    }
  }
  return entries.length === 0 ? null : (Object.fromEntries(entries) as Record<string, string>)
}

const isModel = (s: unknown): s is string => typeof s === 'string' && MODEL_PATTERN.test(s)

/** `models`: null, or 1 to 200 model ids (trailing `*` allowed). @throws StoreError `invalid` */
export function checkModels(v: unknown): string[] | null {
  if (v === null) return null
  if (!Array.isArray(v) || v.length < 1 || v.length > 200 || !v.every(isModel)) {
    throw invalid('models', 'must be null or 1 to 200 model ids, each optionally ending in *')
  }
  return [...v]
}

/**
 * `model_map`: null, or at most 200 `{requested: upstream}` entries (trailing `*` allowed on the
 * left only). @throws StoreError `invalid`
 */
export function checkModelMap(v: unknown): Record<string, string> | null {
  if (v === null) return null
  const ok =
    isPlainObject(v) &&
    Object.keys(v).length <= 200 &&
    Object.entries(v).every(([from, to]) => isModel(from) && isModel(to) && !to.endsWith('*'))
  if (!ok) {
    throw invalid('modelMap', 'must be null or at most 200 {model id: upstream model id} entries')
  }
  return { ...(v as Record<string, string>) }
}

function checkRule(v: unknown, i: number): ErrorRule {
  const field = `errorRules[${i}]`
  if (!isPlainObject(v)) throw invalid(field, 'must be an object')
  const { status, contains, action, cooldownSec } = v
  if (!ERROR_RULE_ACTIONS.includes(action as ErrorRuleAction)) {
    throw invalid(`${field}.action`, `must be one of ${ERROR_RULE_ACTIONS.join(', ')}`)
  }
  const rule: { -readonly [K in keyof ErrorRule]: ErrorRule[K] } = {
    action: action as ErrorRuleAction,
  }
  if (status !== undefined) {
    const code = typeof status === 'number' && Number.isInteger(status) && status >= 100
    if (!(status === '4xx' || status === '5xx' || (code && status <= 599))) {
      throw invalid(`${field}.status`, 'must be 100 to 599, "4xx" or "5xx"')
    }
    rule.status = status
  }
  if (contains !== undefined) {
    if (typeof contains !== 'string' || contains.length > 200) {
      throw invalid(`${field}.contains`, 'must be a string of at most 200 characters')
    }
    rule.contains = contains
  }
  if (cooldownSec !== undefined) {
    const ok = typeof cooldownSec === 'number' && Number.isInteger(cooldownSec)
    if (!ok || cooldownSec < 1 || cooldownSec > 86_400) {
      throw invalid(`${field}.cooldownSec`, 'must be an integer from 1 to 86400')
    }
    rule.cooldownSec = cooldownSec
  }
  return rule
}

/** `error_rules`: at most 50 rules, each checked and copied. @throws StoreError `invalid` */
export function checkErrorRules(v: unknown): ErrorRule[] {
  if (!Array.isArray(v) || v.length > 50) {
    throw invalid('errorRules', 'must be a list of at most 50 rules')
  }
  return v.map(checkRule)
}

/**
 * `sticky_ttl_sec` as ms: null, or a whole number of seconds (the database keeps seconds, as for
 * the account's) from 0 to 30 days. @throws StoreError `invalid`
 */
export function checkStickyTtlMs(v: unknown): number | null {
  if (v === null) return null
  const ok = typeof v === 'number' && Number.isInteger(v / 1000) && v >= 0 && v <= 30 * 86_400_000
  if (!ok) throw invalid('stickyTtlMs', 'must be null or a multiple of 1000 from 0 to 2592000000')
  return v
}

const checkFlag = (field: string) => (v: unknown) => {
  if (typeof v !== 'boolean') throw invalid(field, 'must be true or false')
  return v
}

const CHECKS: { [K in keyof NodePolicyInput]-?: (v: unknown) => NodePolicyInput[K] } = {
  authHeader: checkAuthHeader,
  extraHeaders: checkExtraHeaders,
  models: checkModels,
  modelMap: checkModelMap,
  errorRules: checkErrorRules,
  noFailover: checkFlag('noFailover'),
  stripToolFields: checkFlag('stripToolFields'),
  stickyTtlMs: checkStickyTtlMs,
}

/** The policy fields present in `input`, checked and copied. @throws StoreError `invalid` */
export function checkPolicies(input: NodePolicyInput): NodePolicyInput {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(CHECKS) as (keyof NodePolicyInput)[]) {
    if (input[key] !== undefined) out[key] = CHECKS[key](input[key])
  }
  return out as NodePolicyInput
}

/** The stored policy fields of a node row (extra headers sealed, names kept beside them). */
export interface NodePolicyRow {
  authHeader: AuthHeaderMode
  models: string[] | null
  modelMap: Record<string, string> | null
  errorRules: ErrorRule[]
  noFailover: boolean
  stripToolFields: boolean
  stickyTtlMs: number | null
  extraHeaderNames: string[]
  extraHeadersEnc: string | null
}

/** Seals checked extra headers to the node and its origin; null for none. */
export function sealHeaders(
  box: SecretBox,
  node: { id: string; baseUrl: string },
  headers: Record<string, string> | null | undefined,
): Pick<NodePolicyRow, 'extraHeaderNames' | 'extraHeadersEnc'> {
  if (!headers) return { extraHeaderNames: [], extraHeadersEnc: null }
  return {
    extraHeaderNames: Object.keys(headers),
    extraHeadersEnc: box.seal(JSON.stringify(headers), nodeHeadersAad(node.id, node.baseUrl)),
  }
}

/** The policy fields of a new row from checked input: defaults keep today's behaviour. */
export function newPolicyRow(
  box: SecretBox,
  node: { id: string; baseUrl: string },
  p: NodePolicyInput,
): NodePolicyRow {
  return {
    authHeader: p.authHeader ?? 'x-api-key',
    models: p.models ?? null,
    modelMap: p.modelMap ?? null,
    errorRules: p.errorRules ?? [],
    noFailover: p.noFailover ?? false,
    stripToolFields: p.stripToolFields ?? false,
    stickyTtlMs: p.stickyTtlMs ?? null,
    ...sealHeaders(box, node, p.extraHeaders),
  }
}

/**
 * The policy fields after a checked patch: new headers sealed (or cleared) when given, else the
 * kept ones re-sealed when the origin moved (like the key).
 */
export function patchedPolicyRow(
  box: SecretBox,
  row: NodePolicyRow & { id: string; baseUrl: string },
  nextUrl: string,
  p: NodePolicyInput,
): NodePolicyRow {
  const { extraHeaders, ...plain } = p
  const next: NodePolicyRow = { ...pickPolicy(row), ...plain } as NodePolicyRow
  if (extraHeaders !== undefined) {
    return { ...next, ...sealHeaders(box, { id: row.id, baseUrl: nextUrl }, extraHeaders) }
  }
  if (row.extraHeadersEnc !== null) {
    const before = nodeHeadersAad(row.id, row.baseUrl)
    next.extraHeadersEnc = resealed(
      box,
      row.extraHeadersEnc,
      before,
      nodeHeadersAad(row.id, nextUrl),
    )
  }
  return next
}

function pickPolicy(r: NodePolicyRow): NodePolicyRow {
  const { authHeader, models, modelMap, errorRules, noFailover, stripToolFields } = r
  const { stickyTtlMs, extraHeaderNames, extraHeadersEnc } = r
  return {
    ...{ authHeader, models, modelMap, errorRules, noFailover, stripToolFields },
    ...{ stickyTtlMs, extraHeaderNames, extraHeadersEnc },
  }
}

/** The extra headers of a row, opened under its id and origin; null when it has none. */
export function openHeaders(
  box: SecretBox,
  row: { id: string; baseUrl: string; extraHeadersEnc: string | null },
): Record<string, string> | null {
  if (!row.extraHeadersEnc) return null
  return JSON.parse(box.open(row.extraHeadersEnc, nodeHeadersAad(row.id, row.baseUrl))) as Record<
    string,
    string
  >
}
