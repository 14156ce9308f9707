import {
  effectiveStatus,
  NodeHealthMachine,
  selectNode,
  type NodeStatus,
  type RandomSource,
} from '@qcc/core'
import type { Account, NodeRecord, NodeStateRecord, UsageGroup } from '@qcc/store'
import type { z } from 'zod'
import { toNodeConfig, toPersisted } from '../health/store-records'
import { policyView } from './node-policy-schema'
import type { nodeAnswer } from './responses'

/**
 * Stored nodes and states in core's health machine, restored as a replica restores them on start
 * (health/node-health-sync.ts): an operator's `disabled` wins, a stale `disabled` state of an
 * enabled node counts as healthy. Oldest first, so pool order is age order.
 */
function restore(
  nodes: readonly NodeRecord[],
  states: ReadonlyMap<string, NodeStateRecord>,
): NodeHealthMachine {
  // The machine reads its clock only when a transition happens; none does here.
  const machine = new NodeHealthMachine({ clock: { now: () => 0 } })
  const byAge = [...nodes].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
  for (const node of byAge) {
    const state = states.get(node.id)
    machine.upsert(toNodeConfig(node), state ? toPersisted(state) : undefined)
  }
  return machine
}

/** A node's status as shown: core's status of its stored health at `now`. */
export function nodeStatus(
  node: NodeRecord,
  state: NodeStateRecord | undefined,
  now: number,
): NodeStatus {
  const health = restore([node], new Map(state ? [[node.id, state]] : [])).get(node.id)?.health
  return health ? effectiveStatus(health, now) : 'healthy'
}

/**
 * Never takes a later candidate of equal rank, so among a tier's equally loaded nodes the first
 * in pool order (the oldest) is the pick: the admin API knows no replica's in-flight counts, so
 * core's least-in-flight choice has nothing to go on.
 */
const firstOfEqual: RandomSource = () => 0.5

/**
 * The node the account's next request would take (without a session): core's selection over the
 * stored health, the last resort left out. Null when no node is available.
 */
export function activeNodeId(
  account: Account | undefined,
  nodes: readonly NodeRecord[],
  states: Map<string, NodeStateRecord>,
  now: number,
): string | null {
  const accountId = account?.id ?? nodes[0]?.accountId
  if (accountId === undefined) return null
  const pick = selectNode(restore(nodes, states).pool(accountId), {
    accountId,
    now,
    random: firstOfEqual,
    activeNodeId: account?.activeNodeId,
    allowLastResort: false,
  })
  return pick?.entry.node.id ?? null
}

/**
 * The node as `GET /admin/api/nodes` lists it; never the upstream key, and its extra headers
 * (`headers`, opened) only masked.
 */
export function nodeView(
  node: NodeRecord,
  state: NodeStateRecord | undefined,
  usage: UsageGroup | undefined,
  active: boolean,
  now: number,
  headers: Record<string, string> | null = null,
): z.infer<typeof nodeAnswer> {
  const status = nodeStatus(node, state, now)
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
    ...policyView(node, headers),
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
