import { expect, it } from 'vitest'
import { contractPart, healthy } from '../support/harness'

/** Node runtime state: compare-and-set versions. */
export const nodeStateContract = contractPart('node state', (stores) => {
  it('compare-and-set moves versions', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const n = await store.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' })
    expect(await store.getNodeStates()).toEqual([])
    expect(await store.compareAndSetNodeState(n.id, 1, healthy())).toBe(false)
    expect(await store.compareAndSetNodeState(n.id, 0, healthy())).toBe(true)
    const until = new Date(Date.UTC(2026, 0, 1, 0, 0, 30))
    const cooling = {
      ...healthy(),
      status: 'cooling' as const,
      coolingUntil: until,
      failReason: '529',
      consecutiveFailures: 2,
      lastFailureAt: until,
    }
    expect(await store.compareAndSetNodeState(n.id, 0, cooling)).toBe(false)
    expect(await store.compareAndSetNodeState(n.id, 1, cooling)).toBe(true)
    expect(await store.getNodeStates()).toEqual([{ ...cooling, nodeId: n.id, version: 2 }])
    expect(await store.compareAndSetNodeState('nope', 0, healthy())).toBe(false)
  })

  it('has exactly one winner under concurrency', async () => {
    const store = await stores.open()
    const s = store
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const n = await s.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' })
    for (const version of [0, 1, 2]) {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          s.compareAndSetNodeState(n.id, version, { ...healthy(), consecutiveFailures: i }),
        ),
      )
      expect(results.filter(Boolean).length).toBe(1)
    }
    expect((await s.getNodeStates())[0]?.version).toBe(3)
  })
})
