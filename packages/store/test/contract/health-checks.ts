import { expect, it } from 'vitest'
import { contractPart } from '../support/harness'

/** Health-check history. */
export const healthCheckContract = contractPart('health checks', (stores) => {
  it('records and lists health checks newest first', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const n = await store.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' })
    const base = { accountId: a.id, nodeId: n.id, latencyMs: 12, status: 200, method: 'api' }
    for (let i = 0; i < 5; i++) {
      await store.recordHealthCheck({
        ...base,
        at: new Date(Date.UTC(2026, 0, 1, 0, i)),
        ok: i !== 3,
        error: i === 3 ? 'status 500: boom' : null,
        source: i === 4 ? 'recovery' : 'scheduled',
      })
    }
    const all = await store.listHealthChecks({ nodeId: n.id })
    expect(all.map((c) => c.at.getUTCMinutes())).toEqual([4, 3, 2, 1, 0])
    expect(all[1]).toMatchObject({
      ok: false,
      error: 'status 500: boom',
      status: 200,
      latencyMs: 12,
    })
    expect((await store.listHealthChecks({ accountId: a.id, limit: 2, offset: 1 })).length).toBe(2)
    expect((await store.listHealthChecks({ source: 'recovery' })).length).toBe(1)
    const ranged = await store.listHealthChecks({
      from: new Date(Date.UTC(2026, 0, 1, 0, 1)),
      to: new Date(Date.UTC(2026, 0, 1, 0, 3)),
    })
    expect(ranged.length).toBe(2)
  })
})
