/**
 * A node's policy fields in the admin API's JSON (docs/contract.md §13): snake_case, seconds; the
 * store's camelCase and ms inside. The zod schemas give the shape and bounds the OpenAPI document
 * shows (vocabulary from core); the store's `checkNodePolicies` stays the one judge of header
 * names, model ids and list sizes, so the API and the store cannot disagree on what is valid.
 */
import { AUTH_HEADER_MODES, ERROR_RULE_ACTIONS, type ErrorRule } from '@qcc/core'
import {
  apiKeyHint,
  checkNodePolicies,
  isStoreError,
  type NodePolicyInput,
  type NodeRecord,
} from '@qcc/store'
import { z } from 'zod'
import { ApiError } from './errors'

/** The store's bounds, named once for the API side (its validation refuses the same). */
export const POLICY_LIMITS = {
  extraHeadersMax: 20,
  headerValueMax: 4096,
  modelsMax: 200,
  modelMapMax: 200,
  errorRulesMax: 50,
  containsMax: 200,
  cooldownSecMax: 86_400,
  /** The API's own bound on a node's sticky TTL (the store takes up to 30 days). */
  stickyTtlSecMax: 7 * 86_400,
} as const

const modelId = z.string().min(1).max(129).describe('a model id, optionally ending in *')
const upstreamModel = z.string().min(1).max(128).describe('a model id')

export const errorRuleInput = z
  .strictObject({
    status: z
      .union([z.number().int().min(100).max(599), z.enum(['4xx', '5xx'])])
      .optional()
      .describe('absent: any status'),
    contains: z
      .string()
      .max(POLICY_LIMITS.containsMax)
      .optional()
      .describe('case-insensitive substring of the first 4 KiB of the error body'),
    action: z.enum(ERROR_RULE_ACTIONS),
    cooldown_sec: z
      .number()
      .int()
      .min(1)
      .max(POLICY_LIMITS.cooldownSecMax)
      .optional()
      .describe('only with action cooldown; default 60'),
  })
  .refine((r) => r.cooldown_sec === undefined || r.action === 'cooldown', {
    message: 'only with action cooldown',
    path: ['cooldown_sec'],
  })
export type ErrorRuleJson = z.infer<typeof errorRuleInput>

/** The policy fields of `POST|PUT /admin/api/nodes`; absent: default (create) or kept (update). */
export const nodePolicyInput = {
  auth_header: z.enum(AUTH_HEADER_MODES).optional().describe('default x-api-key'),
  extra_headers: z
    .record(z.string().min(1).max(256), z.string().max(POLICY_LIMITS.headerValueMax))
    .nullable()
    .optional()
    .describe(
      'sent with every call to the node (at most 20; not a header the proxy owns). null or {} ' +
        'clears. On update the map replaces the stored one, and a value of "" keeps the stored ' +
        'value of that name',
    ),
  models: z
    .array(modelId)
    .min(1)
    .max(POLICY_LIMITS.modelsMax)
    .nullable()
    .optional()
    .describe('requested model ids the node serves (trailing * allowed); null: every model'),
  model_map: z
    .record(modelId, upstreamModel)
    .nullable()
    .optional()
    .describe('{requested: upstream} (trailing * on the left allowed); null: none'),
  error_rules: z
    .array(errorRuleInput)
    .max(POLICY_LIMITS.errorRulesMax)
    .optional()
    .describe('matched in order (first match wins) before the built-in classification'),
  no_failover: z.boolean().optional(),
  strip_tool_fields: z.boolean().optional(),
  sticky_ttl_sec: z
    .number()
    .int()
    .min(0)
    .max(POLICY_LIMITS.stickyTtlSecMax)
    .nullable()
    .optional()
    .describe("null: the account's"),
}

export type NodePolicyJson = z.infer<z.ZodObject<typeof nodePolicyInput>>

/** A rule as the store keeps it. */
const toRule = (r: ErrorRuleJson): ErrorRule => ({
  action: r.action,
  ...(r.status !== undefined ? { status: r.status } : {}),
  ...(r.contains !== undefined ? { contains: r.contains } : {}),
  ...(r.cooldown_sec !== undefined ? { cooldownSec: r.cooldown_sec } : {}),
})

/** A rule as the API shows it. */
export const ruleJson = (r: ErrorRule): ErrorRuleJson => ({
  action: r.action,
  ...(r.status !== undefined ? { status: r.status } : {}),
  ...(r.contains !== undefined ? { contains: r.contains } : {}),
  ...(r.cooldownSec !== undefined ? { cooldown_sec: r.cooldownSec } : {}),
})

/** The store's field names in its messages, as the API spells them. */
const SNAKE: [RegExp, string][] = [
  [/^authHeader/, 'auth_header'],
  [/^extraHeaders/, 'extra_headers'],
  [/^modelMap/, 'model_map'],
  [/^errorRules\[(\d+)\]/, 'error_rules.$1'],
  [/^errorRules/, 'error_rules'],
  [/\.cooldownSec/, '.cooldown_sec'],
  [/^noFailover/, 'no_failover'],
  [/^stripToolFields/, 'strip_tool_fields'],
  [/^stickyTtlMs/, 'sticky_ttl_sec'],
]

/** `models must be ...` as `models: must be ...`, with the API's field name. */
function apiMessage(storeMessage: string): string {
  let m = storeMessage
  for (const [from, to] of SNAKE) m = m.replace(from, to)
  return m.replace(/^([\w.[\]]+) /, '$1: ')
}

/**
 * The policy fields of a validated body in the store's terms, judged by the store's checks.
 * `extra_headers` must already be resolved (no "keep" values left).
 * @throws ApiError `invalid_request` naming the field
 */
export function toPolicyInput(body: NodePolicyJson): NodePolicyInput {
  const input: NodePolicyInput = {
    authHeader: body.auth_header,
    extraHeaders: body.extra_headers,
    models: body.models,
    modelMap: body.model_map,
    errorRules: body.error_rules?.map(toRule),
    noFailover: body.no_failover,
    stripToolFields: body.strip_tool_fields,
    stickyTtlMs:
      body.sticky_ttl_sec === undefined || body.sticky_ttl_sec === null
        ? body.sticky_ttl_sec
        : body.sticky_ttl_sec * 1000,
  }
  try {
    return checkNodePolicies(input)
  } catch (err) {
    if (isStoreError(err) && err.code === 'invalid') {
      throw new ApiError('invalid_request', apiMessage(err.message))
    }
    throw err
  }
}

/**
 * `extra_headers` of an update with "keep" values (`""`) replaced by the stored values; names
 * left out are removed. A create has nothing stored, so `""` there is refused.
 * @throws ApiError `invalid_request` when `""` names a header that has no stored value
 */
export function resolveKeptHeaders(
  sent: Record<string, string> | null | undefined,
  stored: Record<string, string> | null,
): Record<string, string> | null | undefined {
  if (!sent) return sent
  const byLower = new Map(Object.entries(stored ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(sent)) {
    if (value !== '') {
      out[name] = value
      continue
    }
    const kept = byLower.get(name.toLowerCase())
    if (kept === undefined) {
      throw new ApiError(
        'invalid_request',
        `extra_headers: value of "${name.slice(0, 64)}" must not be empty (no saved value to keep)`,
      )
    }
    out[name] = kept
  }
  return out
}

/** A header value as the node list shows it: never the value, at most its last 4 characters. */
export const maskHeaderValue = (value: string): string => `••••${apiKeyHint(value) ?? ''}`

/** The policy fields of `GET /admin/api/nodes`. */
export const nodePolicyAnswer = {
  auth_header: z.enum(AUTH_HEADER_MODES),
  extra_headers: z
    .record(z.string(), z.string())
    .describe('name: masked value (values are secrets; last 4 characters at most)'),
  models: z.array(z.string()).nullable().describe('null: every model'),
  model_map: z.record(z.string(), z.string()).nullable(),
  error_rules: z.array(
    z.object({
      status: z.union([z.number().int(), z.enum(['4xx', '5xx'])]).optional(),
      contains: z.string().optional(),
      action: z.enum(ERROR_RULE_ACTIONS),
      cooldown_sec: z.number().int().optional(),
    }),
  ),
  no_failover: z.boolean(),
  strip_tool_fields: z.boolean(),
  sticky_ttl_sec: z.number().int().nullable().describe("null: the account's"),
}

/** A node's policy fields as listed; `headers` are the node's extra headers (opened). */
export function policyView(
  node: NodeRecord,
  headers: Record<string, string> | null,
): z.infer<z.ZodObject<typeof nodePolicyAnswer>> {
  const masked: Record<string, string> = {}
  for (const name of node.extraHeaderNames) masked[name] = maskHeaderValue(headers?.[name] ?? '')
  return {
    auth_header: node.authHeader,
    extra_headers: masked,
    models: node.models,
    model_map: node.modelMap,
    error_rules: node.errorRules.map(ruleJson),
    no_failover: node.noFailover,
    strip_tool_fields: node.stripToolFields,
    sticky_ttl_sec: node.stickyTtlMs === null ? null : Math.round(node.stickyTtlMs / 1000),
  }
}
