import type { Account, NodeRecord, Store } from '@qcc/store'
import { ApiError } from './errors'
import { TenantCap } from './tenant-caps'

/** Nodes a tenant (not an admin) may hold per account (docs/contract.md §9). */
export const TENANT_NODE_CAP = 50

/**
 * Body fields of `PUT /admin/api/nodes` that only an admin may change on a managed node (docs/contract.md §9),
 * with how to read the stored value; `null` marks fields refused whenever they are sent (the key
 * cannot be compared without decrypting it, and the fields still to come have nothing stored).
 */
const ADMIN_ONLY_FIELDS: Record<string, ((n: NodeRecord) => unknown) | null> = {
  base_url: (n) => n.baseUrl,
  api_key: null,
  health_check_method: (n) => n.healthCheckMethod,
  health_check_model: (n) => n.healthCheckModel,
  auth_header: null,
  extra_headers: null,
  model_map: null,
  error_rules: null,
  no_failover: null,
}

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
    if (stored && (body[field] ?? null) === (stored(node) ?? null)) continue
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
