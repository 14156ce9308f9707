import { z } from 'zod'
import { healthCheckMethod, nodeStatus } from './node-schema'

/**
 * Answer shapes of the main routes. Handlers type their answers with these (`z.infer`), and the
 * OpenAPI document shows them, so the document and the code cannot drift apart.
 */
const time = z.string().describe('RFC 3339 UTC')
const nullableTime = time.nullable()

export const meAnswer = z.object({ id: z.string(), name: z.string(), is_admin: z.boolean() })

export const accountAnswer = z.object({
  id: z.string(),
  name: z.string(),
  is_admin: z.boolean(),
  disabled: z.boolean(),
  key_prefix: z.string().nullable(),
  created_at: time,
})
export const accountsAnswer = z.object({ accounts: z.array(accountAnswer) })
export const createdAccountAnswer = meAnswer.extend({
  proxy_api_key: z.string().describe('shown in this answer only'),
})

export const nodeAnswer = z.object({
  id: z.string(),
  account_id: z.string(),
  name: z.string(),
  base_url: z.string(),
  weight: z.number().int().describe('lower = higher priority'),
  status: nodeStatus,
  failed: z.boolean(),
  disabled: z.boolean(),
  active: z.boolean(),
  has_api_key: z.boolean(),
  managed: z
    .boolean()
    .describe(
      'provisioned by an admin or from env: its owner may rename, reweight, enable, disable and activate it, nothing else',
    ),
  api_key_hint: z.string().nullable().describe('last 4 characters at most'),
  health_check_method: healthCheckMethod,
  health_check_model: z.string().nullable(),
  last_error: z.string().nullable(),
  fail_count: z.number().int(),
  cooling_until: nullableTime,
  last_failure_at: nullableTime,
  last_success_at: nullableTime,
  last_probe_at: nullableTime,
  requests: z.number().int(),
  errors: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  created_at: time,
  updated_at: time,
})
export const nodesAnswer = z.object({ nodes: z.array(nodeAnswer) })
export const idAnswer = z.object({ id: z.string() })

export const keyAnswer = z.object({
  id: z.string(),
  account_id: z.string(),
  name: z.string().nullable(),
  prefix: z.string(),
  created_at: time,
  revoked_at: nullableTime,
  last_used_at: nullableTime,
})
export const keysAnswer = z.object({ keys: z.array(keyAnswer) })
export const createdKeyAnswer = keyAnswer.extend({ key: z.string().describe('shown once') })

const overrides = z.object({
  retries: z.number().int().nullable(),
  fail_limit: z.number().int().nullable(),
  health_interval_sec: z.number().int().nullable(),
  sticky_ttl_sec: z.number().int().nullable(),
})
export const configAnswer = z.object({
  account_id: z.string(),
  retries: z.number().int(),
  fail_limit: z.number().int(),
  health_interval_sec: z.number().int(),
  sticky_ttl_sec: z.number().int(),
  overrides: overrides.describe('null: the env value applies'),
})

export const usageTotalsAnswer = z.object({
  requests: z.number().int(),
  errors: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cache_creation_input_tokens: z.number().int(),
  cache_creation_5m_input_tokens: z.number().int(),
  cache_creation_1h_input_tokens: z.number().int(),
  cache_read_input_tokens: z.number().int(),
  cost_usd: z.number(),
  bytes: z.number().int(),
  avg_duration_ms: z.number().nullable(),
  avg_ttfb_ms: z.number().nullable(),
})
export const usageSummaryAnswer = z.union([
  usageTotalsAnswer,
  z.object({
    groups: z.array(usageTotalsAnswer.extend({ key: z.string(), name: z.string().nullable() })),
  }),
])
