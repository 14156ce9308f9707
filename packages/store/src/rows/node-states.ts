import type { NodeStateInput, NodeStateRecord } from '../types/node-states'

/** Longest fail reason kept (the MySQL column's size). */
const FAIL_REASON_MAX = 1000

/** The state row a compare-and-set writes: the given fields under the next version. */
export function nodeStateRow(
  nodeId: string,
  next: NodeStateInput,
  version: number,
): NodeStateRecord {
  return {
    nodeId,
    status: next.status,
    coolingUntil: next.coolingUntil,
    failReason: next.failReason === null ? null : String(next.failReason).slice(0, FAIL_REASON_MAX),
    consecutiveFailures: next.consecutiveFailures,
    lastFailureAt: next.lastFailureAt,
    lastSuccessAt: next.lastSuccessAt,
    lastProbeAt: next.lastProbeAt,
    version,
  }
}
