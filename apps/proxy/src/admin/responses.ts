import { z } from 'zod'
import { limitsAnswer, windowsAnswer } from './limits-schema'
import { healthCheckMethod, nodeStatus } from './node-schema'
import { nodePolicyAnswer } from './node-policy-schema'

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
  limits: limitsAnswer.describe("binding all the account's keys together (docs/contract.md §10)"),
  windows: windowsAnswer,
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
  ...nodePolicyAnswer,
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
  first_used_at: nullableTime.describe('starts expires_after_first_use_days'),
  limits: limitsAnswer,
  windows: windowsAnswer.describe("the key's own limits"),
})
export const keysAnswer = z.object({ keys: z.array(keyAnswer) })
export const createdKeyAnswer = keyAnswer.extend({ key: z.string().describe('shown once') })

const overrides = z.object({
  retries: z.number().int().nullable(),
  fail_limit: z.number().int().nullable(),
  health_interval_sec: z.number().int().nullable(),
  sticky_ttl_sec: z.number().int().nullable(),
  sticky_policy: z.enum(['cache_first', 'cost_first']).nullable(),
  sticky_break_ttfb_ms: z.number().int().nullable().describe('0: never'),
})
export const configAnswer = z.object({
  account_id: z.string(),
  retries: z.number().int(),
  fail_limit: z.number().int(),
  health_interval_sec: z.number().int(),
  sticky_ttl_sec: z.number().int(),
  sticky_policy: z.enum(['cache_first', 'cost_first']),
  sticky_break_ttfb_ms: z
    .number()
    .int()
    .nullable()
    .describe('median TTFB above which a binding is dropped; null: never'),
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

/** One request: its counters are the totals' (a summary sums them). */
export const usageSeriesAnswer = z.object({
  bucket: z.enum(['minute', 'hour', 'day']),
  from: time,
  to: time,
  points: z.array(usageTotalsAnswer.extend({ at: time })),
})

export const healthCheckSource = z.enum(['scheduled', 'recovery', 'proxy_fail', 'warmup', 'sweep'])
export const healthHistoryAnswer = z.object({
  checks: z.array(
    z.object({
      id: z.string(),
      node_id: z.string(),
      account_id: z.string(),
      at: time,
      ok: z.boolean(),
      latency_ms: z.number().nullable(),
      status: z.number().int().nullable().describe('HTTP status, when one was received'),
      error: z.string().nullable(),
      method: z.string(),
      source: healthCheckSource,
    }),
  ),
})

export const priceAnswer = z.object({
  model: z.string(),
  input_per_mtok: z.number(),
  output_per_mtok: z.number(),
  cache_write_5m_per_mtok: z.number(),
  cache_write_1h_per_mtok: z.number(),
  cache_read_per_mtok: z.number(),
  updated_at: time,
})
export const pricingAnswer = z.object({ pricing: z.array(priceAnswer) })
export const unpricedModelsAnswer = z.object({
  models: z.array(
    z.object({
      model: z.string(),
      requests: z.number().int().describe('usage rows of this id not priced by the table'),
      last_seen_at: time,
      priced_by: z
        .enum(['family', 'default', 'none'])
        .describe('how the id is priced now (docs/contract.md §15)'),
    }),
  ),
})

export const shareAnswer = z.object({
  id: z.string(),
  account_id: z.string(),
  prefix: z.string(),
  created_by: z.string().nullable(),
  created_at: time,
  expires_at: nullableTime.describe('null: permanent'),
  revoked_at: nullableTime,
})
export const sharesAnswer = z.object({ shares: z.array(shareAnswer) })
export const createdShareAnswer = shareAnswer.extend({
  token: z.string().describe('shown once'),
  share_url: z.string(),
})
export const sharedMonitorAnswer = z.object({
  account_name: z.string(),
  updated_at: time,
  expires_at: nullableTime,
  nodes: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      weight: z.number().int(),
      status: nodeStatus,
      active: z.boolean(),
      requests: z.number().int(),
      errors: z.number().int(),
      last_success_at: nullableTime,
    }),
  ),
})

export const rotatedKeyAnswer = createdKeyAnswer.extend({
  replaces: z.string().describe('id of the key this one replaces (now revoked)'),
})

export const claudeConfigAnswer = z.object({
  account_name: z.string(),
  settings: z.object({
    env: z.object({ ANTHROPIC_BASE_URL: z.string(), ANTHROPIC_AUTH_TOKEN: z.string() }),
    permissions: z.object({ allow: z.array(z.string()), deny: z.array(z.string()) }),
    model: z.string().optional(),
  }),
  config_json: z.string().describe('the settings above as the file holds them'),
  config_id: z.string(),
  download_url: z.string().describe('works once'),
  expires_at: time,
  install_cmd: z.object({ unix: z.string(), windows: z.string() }),
})

export const envAnswer = z.object({
  vars: z.array(
    z.object({
      name: z.string(),
      value: z.string().nullable().describe('null: unset; secrets masked'),
      secret: z.boolean(),
    }),
  ),
})

export const auditAnswer = z.object({
  entries: z.array(
    z.object({
      id: z.string(),
      at: time,
      actor_id: z.string().nullable(),
      account_id: z.string().nullable(),
      action: z.string(),
      target_type: z.string().nullable(),
      target_id: z.string().nullable(),
      ip: z.string().nullable(),
      detail: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
})

/** `GET /key/status`: what a key's holder may know of that key, and nothing of other keys. */
export const keyStatusAnswer = z.object({
  key: z.object({
    name: z.string().nullable(),
    prefix: z.string(),
    account: z.string().describe("the account's name"),
    expires_at: nullableTime.describe(
      "when the key stops working (the earliest of its own and its account's expiry); null: never",
    ),
  }),
  limits: limitsAnswer.describe("the key's own limits"),
  windows: windowsAnswer.describe("the key's own windows"),
  account_windows: windowsAnswer.describe("the account's windows (binding all its keys together)"),
  usage: z.object({
    today: usageTotalsAnswer.describe('since 00:00 UTC'),
    month: usageTotalsAnswer.describe('since the 1st, 00:00 UTC'),
    total: usageTotalsAnswer,
  }),
})
