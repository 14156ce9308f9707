import { expect, it } from 'vitest'
import { contractPart } from '../support/harness'

/** The audit log. */
export const auditContract = contractPart('audit', (stores) => {
  it('appends and lists audit entries', async () => {
    const store = await stores.open()
    const base = { actorId: 'u1', accountId: 'acc1', targetType: 'node', ip: '10.0.0.1' }
    await store.appendAudit({
      ...base,
      action: 'node.create',
      targetId: 'n1',
      at: new Date(1000),
      detail: { name: 'n1' },
    })
    await store.appendAudit({
      ...base,
      action: 'node.delete',
      targetId: 'n1',
      at: new Date(2000),
    })
    await store.appendAudit({ action: 'login', at: new Date(3000) })
    const all = await store.listAudit()
    expect(all.map((x) => x.action)).toEqual(['login', 'node.delete', 'node.create'])
    expect(all[2]).toMatchObject({ ...base, targetId: 'n1', detail: { name: 'n1' } })
    expect(all[0]).toMatchObject({ actorId: null, accountId: null, detail: null })
    expect((await store.listAudit({ accountId: 'acc1' })).length).toBe(2)
    expect((await store.listAudit({ action: 'login' })).length).toBe(1)
    expect((await store.listAudit({ from: new Date(1500), limit: 1 }))[0]?.action).toBe('login')
  })
})
