import type { Account, NodeRecord, NodeStateRecord, UsageGroup } from '@qcc/store'
import type { z } from 'zod'
import type { nodeAnswer } from './responses'

/** A node's status as shown: `disabled` wins; a cooldown that has run out counts as healthy. */
export function effectiveStatus(
  node: NodeRecord,
  state: NodeStateRecord | undefined,
  now: number,
): 'healthy' | 'cooling' | 'failed' | 'disabled' {
  if (node.disabled) return 'disabled'
  if (!state) return 'healthy'
  if (state.status === 'cooling' && (state.coolingUntil?.getTime() ?? 0) <= now) return 'healthy'
  return state.status === 'disabled' ? 'healthy' : state.status
}

/**
 * The node the account's next request would take (SPEC 4, 6.3): the operator-activated node
 * while it is available, else the first available node of the lowest weight tier (lower weight
 * = higher priority). The real pick inside a tier is least-in-flight; the oldest stands in here.
 */
export function activeNodeId(
  account: Account | undefined,
  nodes: readonly NodeRecord[],
  states: Map<string, NodeStateRecord>,
  now: number,
): string | null {
  const available = nodes.filter((n) => effectiveStatus(n, states.get(n.id), now) === 'healthy')
  if (account?.activeNodeId && available.some((n) => n.id === account.activeNodeId)) {
    return account.activeNodeId
  }
  const sorted = [...available].sort(
    (a, b) => a.weight - b.weight || a.createdAt.getTime() - b.createdAt.getTime(),
  )
  return sorted[0]?.id ?? null
}

/** The node as `GET /admin/api/nodes` lists it; never the upstream key. */
export function nodeView(
  node: NodeRecord,
  state: NodeStateRecord | undefined,
  usage: UsageGroup | undefined,
  active: boolean,
  now: number,
): z.infer<typeof nodeAnswer> {
  const status = effectiveStatus(node, state, now)
  return {
    id: node.id,
    account_id: node.accountId,
    name: node.name,
    base_url: node.baseUrl,
    weight: node.weight,
    status,
    failed: status === 'failed',
    disabled: node.disabled,
    active,
    has_api_key: node.hasApiKey,
    managed: node.managed,
    api_key_hint: node.apiKeyHint,
    health_check_method: node.healthCheckMethod,
    health_check_model: node.healthCheckModel,
    last_error: state?.failReason ?? null,
    fail_count: state?.consecutiveFailures ?? 0,
    cooling_until: status === 'cooling' ? (state?.coolingUntil?.toISOString() ?? null) : null,
    last_failure_at: state?.lastFailureAt?.toISOString() ?? null,
    last_success_at: state?.lastSuccessAt?.toISOString() ?? null,
    last_probe_at: state?.lastProbeAt?.toISOString() ?? null,
    requests: usage?.requests ?? 0,
    errors: usage?.errors ?? 0,
    input_tokens: usage?.inputTokens ?? 0,
    output_tokens: usage?.outputTokens ?? 0,
    created_at: node.createdAt.toISOString(),
    updated_at: node.updatedAt.toISOString(),
  }
}
