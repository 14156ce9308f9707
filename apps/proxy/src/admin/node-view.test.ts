import { describe, expect, it } from 'vitest'
import type { NodeStateRecord } from '@qcc/store'
import { accountRecord, nodeRecord } from '../../test/records'
import { activeNodeId, nodeStatus } from './node-view'

const NOW = 1_000_000

function state(nodeId: string, over: Partial<NodeStateRecord> = {}): NodeStateRecord {
  return {
    nodeId,
    status: 'healthy',
    coolingUntil: null,
    failReason: null,
    consecutiveFailures: 0,
    lastFailureAt: null,
    lastSuccessAt: null,
    lastProbeAt: null,
    version: 1,
    ...over,
  }
}

describe('nodeStatus', () => {
  it("is core's status of the stored health, the node's own disabled flag first", () => {
    const n = nodeRecord('a')
    expect(nodeStatus(n, undefined, NOW)).toBe('healthy')
    expect(nodeStatus(n, state(n.id, { status: 'failed' }), NOW)).toBe('failed')
    const cooling = { status: 'cooling', coolingUntil: new Date(NOW + 1) } as const
    expect(nodeStatus(n, state(n.id, cooling), NOW)).toBe('cooling')
    expect(nodeStatus(n, state(n.id, cooling), NOW + 1)).toBe('healthy')
    // A state written while the node was disabled does not outlive re-enabling it.
    expect(nodeStatus(n, state(n.id, { status: 'disabled' }), NOW)).toBe('healthy')
    expect(nodeStatus(nodeRecord('b', { disabled: true }), undefined, NOW)).toBe('disabled')
  })
})

describe('activeNodeId', () => {
  const old = nodeRecord('old', { weight: 2, createdAt: new Date(1) })
  const young = nodeRecord('young', { weight: 2, createdAt: new Date(2) })
  const first = nodeRecord('first', { weight: 1, createdAt: new Date(3) })

  it('is the oldest available node of the best tier', () => {
    expect(activeNodeId(accountRecord(), [young, old, first], new Map(), NOW)).toBe(first.id)
    const down = new Map([[first.id, state(first.id, { status: 'failed' })]])
    expect(activeNodeId(accountRecord(), [young, old, first], down, NOW)).toBe(old.id)
  })

  it("is the account's activated node while it is available", () => {
    const account = accountRecord({ activeNodeId: young.id })
    expect(activeNodeId(account, [young, old, first], new Map(), NOW)).toBe(young.id)
    const down = new Map([[young.id, state(young.id, { status: 'failed' })]])
    expect(activeNodeId(account, [young, old, first], down, NOW)).toBe(first.id)
  })

  it('is none when every node is down (the last resort is not a pick to show)', () => {
    const down = new Map([[first.id, state(first.id, { status: 'failed' })]])
    expect(activeNodeId(accountRecord(), [first], down, NOW)).toBeNull()
    expect(activeNodeId(undefined, [], new Map(), NOW)).toBeNull()
  })
})
