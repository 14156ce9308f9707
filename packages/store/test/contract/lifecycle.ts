import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import { contractPart, healthy } from '../support/harness'

/** The store as a whole: ping and close, and the change version every config mutation moves. */
export const lifecycleContract = contractPart('lifecycle', (stores) => {
  it('pings, and refuses mutations after close', async () => {
    const s = await stores.open()
    await s.ping()
    await s.close()
    await s.close()
    const err = await s.createAccount({ name: 'late', password: 'pw' }).catch((e) => e)
    expect(isStoreError(err, 'closed')).toBe(true)
  })

  it('moves on every config mutation', async () => {
    const store = await stores.open()
    const s = store
    let last = await s.changeVersion()
    const moved = async () => {
      const v = await s.changeVersion()
      const ok = v > last
      last = v
      return ok
    }
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    expect(await moved()).toBe(true)
    await s.updateAccount(a.id, { settings: { retryMax: 2 } })
    expect(await moved()).toBe(true)
    const { key } = await s.createProxyKey({ accountId: a.id })
    expect(await moved()).toBe(true)
    await s.updateProxyKey(key.id, { limits: { rpm: 5 } })
    expect(await moved()).toBe(true)
    await s.updateAccount(a.id, { limits: { tpm: 1000 } })
    expect(await moved()).toBe(true)
    await s.markProxyKeyFirstUse(key.id, new Date())
    expect(await moved()).toBe(true)
    await s.markProxyKeyFirstUse(key.id, new Date())
    expect(await moved()).toBe(false)
    await s.revokeProxyKey(key.id)
    expect(await moved()).toBe(true)
    const n = await s.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' })
    expect(await moved()).toBe(true)
    await s.updateNode(n.id, { weight: 2 })
    expect(await moved()).toBe(true)
    await s.compareAndSetNodeState(n.id, 0, healthy())
    expect(await moved()).toBe(true)
    await s.deleteNode(n.id)
    expect(await moved()).toBe(true)
    await s.getAccount(a.id)
    expect(await moved()).toBe(false)
  })

  it("tells the versions its own commits made from another store's", async () => {
    const a = await stores.open()
    const b = await stores.reopen(a)
    const start = await a.changeVersion()
    const acc = await a.createAccount({ name: 'own', password: 'pw' })
    await a.createNode({ accountId: acc.id, name: 'n', baseUrl: 'https://r.test' })
    const mine = await a.changeVersion()
    expect(a.onlyOwnChanges(start, start)).toBe(a.kind === 'mysql')
    // The memory adapter never claims it: callers that write it directly count on the poll.
    expect(a.onlyOwnChanges(start, mine)).toBe(a.kind === 'mysql')
    if (a === b) return
    await b.updateAccount(acc.id, { settings: { retryMax: 2 } })
    const after = await a.changeVersion()
    expect(after).toBe(mine + 1)
    expect(a.onlyOwnChanges(start, after)).toBe(false)
    expect(a.onlyOwnChanges(mine, after)).toBe(false)
    expect(b.onlyOwnChanges(mine, after)).toBe(true)
    expect(b.onlyOwnChanges(start, after)).toBe(false)
  })
})
