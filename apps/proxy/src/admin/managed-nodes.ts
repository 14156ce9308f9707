import type { Account, NodeRecord, Store } from '@qcc/store'
import { ApiError } from './errors'
import { ruleJson } from './node-policy-schema'
import { TenantCap } from './tenant-caps'

/** Nodes a tenant (not an admin) may hold per account (docs/contract.md §9). */
export const TENANT_NODE_CAP = 50

/**
 * Body fields of `PUT /admin/api/nodes` that only an admin may change on a managed node
 * (docs/contract.md §9, every §13 policy field included), with how to read the stored value as
 * the API spells it; `null` marks fields refused whenever they are sent (the key cannot be
 * compared without decrypting it).
 */
const ADMIN_ONLY_FIELDS: Record<string, ((n: NodeRecord) => unknown) | null> = {
  base_url: (n) => n.baseUrl,
  api_key: null,
  health_check_method: (n) => n.healthCheckMethod,
  health_check_model: (n) => n.healthCheckModel,
  auth_header: (n) => n.authHeader,
  // Only "keep every saved value" ({name: ""} for each saved name, or none at all) compares
  // equal: a value that is sent is a change, as the stored one is never read for this.
  extra_headers: (n) => Object.fromEntries(n.extraHeaderNames.map((name) => [name, ''])),
  models: (n) => n.models,
  model_map: (n) => n.modelMap,
  error_rules: (n) => n.errorRules.map(ruleJson),
  no_failover: (n) => n.noFailover,
  strip_tool_fields: (n) => n.stripToolFields,
  sticky_ttl_sec: (n) => (n.stickyTtlMs === null ? null : n.stickyTtlMs / 1000),
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`
  }
  return JSON.stringify(v ?? null)
}

/** "No headers" is the same whether sent as null or {}. */
const emptyToNull = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0 ? null : v

/**
 * Refuses a non-admin's change of a managed node's URL, key, headers, rules or health check.
 * Runs on the raw body, before it is validated: on a managed node the 403 comes first. Sending a
 * field with its stored value (as a form that posts everything does) is not a change.
 * @throws ApiError `forbidden`
 */
export function checkManagedUpdate(me: Account, node: NodeRecord, raw: unknown): void {
  if (me.isAdmin || !node.managed || typeof raw !== 'object' || raw === null) return
  const body = raw as Record<string, unknown>
  for (const [field, stored] of Object.entries(ADMIN_ONLY_FIELDS)) {
    if (!(field in body) || body[field] === undefined) continue
    if (stored && canonical(emptyToNull(body[field])) === canonical(emptyToNull(stored(node)))) {
      continue
    }
    throw new ApiError(
      'forbidden',
      `${field}: this node is managed by an admin; its owner may only rename, reweight, ` +
        'enable, disable or activate it',
    )
  }
}

/** @throws ApiError `forbidden` when a non-admin deletes a managed node */
export function checkManagedDelete(me: Account, node: NodeRecord): void {
  if (!me.isAdmin && node.managed) {
    throw new ApiError('forbidden', 'this node is managed by an admin; only an admin may delete it')
  }
}

/**
 * Keys follow their URL (docs/contract.md §9): a non-admin who changes a node's base URL sends the key for
 * the new URL (or `null` for none) in the same request, so the saved key never goes elsewhere.
 * @throws ApiError `invalid_request`
 */
export function checkKeyFollowsUrl(
  me: Account,
  urlChanged: boolean,
  apiKey: string | null | undefined,
): void {
  if (me.isAdmin || !urlChanged || apiKey !== undefined) return
  throw new ApiError(
    'invalid_request',
    'api_key: required when base_url changes (the saved key is never sent to another URL)',
  )
}

/** The cap on a tenant's nodes (docs/contract.md §9), counted and created one at a time per account. */
export function tenantNodeCap(store: Store): TenantCap {
  return new TenantCap(
    'nodes',
    TENANT_NODE_CAP,
    async (accountId) => (await store.listNodes({ accountId })).length,
  )
}
