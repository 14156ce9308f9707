import { HEALTH_CHECK_METHODS, type NodeStatus } from '@qcc/core'
import { z } from 'zod'
import { nodePolicyInput } from './node-policy-schema'

/**
 * A node's fields as the admin API takes and shows them: one schema for the routes, the answers
 * and the OpenAPI document. The vocabulary (methods, statuses) is core's; the limits are the
 * store's (its validation refuses the same), named once here for the API side.
 */
export const NODE_LIMITS = {
  nameMax: 128,
  baseUrlMax: 2048,
  apiKeyMax: 1024,
  weightMin: 1,
  weightMax: 1_000_000,
  modelMax: 128,
  idMax: 64,
} as const

export const healthCheckMethod = z.enum(HEALTH_CHECK_METHODS)

/** Every core `NodeStatus` once (a status core adds fails to compile here until it is listed). */
const NODE_STATUSES = {
  healthy: 'healthy',
  cooling: 'cooling',
  failed: 'failed',
  disabled: 'disabled',
} as const satisfies { [S in NodeStatus]: S }
export const nodeStatus = z.enum(NODE_STATUSES)

// No query or fragment: a credential there (`?key=`) would show in node lists and logs.
const baseUrl = z
  .url({ protocol: /^https?$/ })
  .max(NODE_LIMITS.baseUrlMax)
  .refine((v) => !v.includes('?') && !v.includes('#'), 'must not have a query or fragment')

export const createNodeBody = z.object({
  name: z.string().trim().min(1).max(NODE_LIMITS.nameMax).optional(),
  base_url: baseUrl,
  api_key: z.string().max(NODE_LIMITS.apiKeyMax).nullable().optional(),
  weight: z.number().int().min(NODE_LIMITS.weightMin).max(NODE_LIMITS.weightMax).optional(),
  health_check_method: healthCheckMethod.optional(),
  health_check_model: z.string().max(NODE_LIMITS.modelMax).nullable().optional(),
  disabled: z.boolean().optional(),
  ...nodePolicyInput,
})
export const updateNodeBody = createNodeBody.partial()
export const nodeIdBody = z.object({ id: z.string().min(1).max(NODE_LIMITS.idMax) })
export const nodeIdQuery = nodeIdBody
export const accountQuery = z.object({ account_id: z.string().max(NODE_LIMITS.idMax).optional() })
