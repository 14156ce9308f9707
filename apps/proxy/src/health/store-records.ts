/**
 * The store's node records in core's vocabulary and back: a node's configuration, and its
 * persisted health (dates in the store, epoch ms in core).
 */
import type { NodeConfig, NodeHealth, PersistedHealth } from '@qcc/core'
import type { NodeRecord, NodeStateInput, NodeStateRecord } from '@qcc/store'

/** A stored node as core's selection and health machine see it. */
export function toNodeConfig(node: NodeRecord): NodeConfig {
  return {
    id: node.id,
    accountId: node.accountId,
    name: node.name,
    baseUrl: node.baseUrl,
    weight: node.weight,
    disabled: node.disabled,
    healthCheckMethod: node.healthCheckMethod,
    healthCheckModel: node.healthCheckModel,
    // The policies of docs/contract.md §13; a default is left out, so a node without policies is
    // the same object as before them.
    ...(node.authHeader !== 'x-api-key' ? { authHeader: node.authHeader } : {}),
    ...(node.models !== null ? { models: node.models } : {}),
    ...(node.modelMap !== null ? { modelMap: node.modelMap } : {}),
    ...(node.errorRules.length > 0 ? { errorRules: node.errorRules } : {}),
    ...(node.noFailover ? { noFailover: true } : {}),
    ...(node.stripToolFields ? { stripToolFields: true } : {}),
    ...(node.stickyTtlMs !== null ? { stickyTtlMs: node.stickyTtlMs } : {}),
  }
}

const ms = (d: Date | null) => (d ? d.getTime() : null)
const date = (t: number | null) => (t === null ? null : new Date(t))

/** A stored state as the health machine restores it (`NodeHealthMachine.upsert`, `restore`). */
export function toPersisted(s: NodeStateRecord): PersistedHealth {
  return {
    status: s.status,
    coolingUntil: ms(s.coolingUntil),
    failReason: s.failReason,
    consecutiveFailures: s.consecutiveFailures,
    lastFailureAt: ms(s.lastFailureAt),
    lastSuccessAt: ms(s.lastSuccessAt),
    lastProbeAt: ms(s.lastProbeAt),
  }
}

/** A node's live health as the store persists it (`compareAndSetNodeState`). */
export function toStateInput(h: NodeHealth): NodeStateInput {
  return {
    status: h.status,
    coolingUntil: date(h.coolingUntil),
    failReason: h.failReason,
    consecutiveFailures: h.consecutiveFailures,
    lastFailureAt: date(h.lastFailureAt),
    lastSuccessAt: date(h.lastSuccessAt),
    lastProbeAt: date(h.lastProbeAt),
  }
}
