import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import { contractPart } from '../support/harness'

/** Nodes: the record, its sealed key, validation and names. */
export const nodeContract = contractPart('nodes', (stores) => {
  it('creates, lists, updates and deletes; never returns the upstream key', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const b = await store.createAccount({ name: 'b', password: 'pw' })
    const apiKey = 'sk-ant-api03-abcdefghijklmnop-WXYZ'
    const n = await store.createNode({
      accountId: a.id,
      name: 'n1',
      baseUrl: 'https://r.test/x',
      apiKey,
    })
    expect(n).toMatchObject({
      accountId: a.id,
      name: 'n1',
      baseUrl: 'https://r.test/x',
      hasApiKey: true,
      apiKeyHint: 'WXYZ',
      weight: 1,
      disabled: false,
      healthCheckMethod: 'api',
      healthCheckModel: null,
      allowPrivate: false,
      managed: false,
    })
    expect(JSON.stringify(n)).not.toContain(apiKey)
    expect(await store.getNodeApiKey(n.id)).toBe(apiKey)
    const n2 = await store.createNode({
      accountId: a.id,
      name: 'n2',
      baseUrl: 'http://127.0.0.1:9',
      weight: 3,
      allowPrivate: true,
    })
    expect(n2).toMatchObject({
      hasApiKey: false,
      healthCheckMethod: 'head',
      weight: 3,
      allowPrivate: true,
    })
    expect(await store.getNodeApiKey(n2.id)).toBeNull()
    // Many at once, each on its own; unknown ids are left out.
    expect(await store.getNodeApiKeys([n.id, n2.id, 'no-such-node'])).toEqual(
      new Map([
        [n.id, { ok: true, value: apiKey }],
        [n2.id, { ok: true, value: null }],
      ]),
    )
    expect((await store.getNodeApiKeys([])).size).toBe(0)
    await store.createNode({ accountId: b.id, name: 'n1', baseUrl: 'https://r.test' })
    expect((await store.listNodes({ accountId: a.id })).map((x) => x.name)).toEqual(['n1', 'n2'])
    expect((await store.listNodes()).length).toBe(3)
    const counted = await store.updateNode(n2.id, { healthCheckMethod: 'count_tokens' })
    expect(counted?.healthCheckMethod).toBe('count_tokens')
    expect((await store.getNode(n2.id))?.healthCheckMethod).toBe('count_tokens')
    const u = await store.updateNode(n.id, { weight: 7, disabled: true, healthCheckModel: 'm' })
    expect(u).toMatchObject({ weight: 7, disabled: true, healthCheckModel: 'm', hasApiKey: true })
    expect(await store.getNodeApiKey(n.id)).toBe(apiKey)
    await store.updateNode(n.id, { apiKey: 'sk-new-key-0000000001' })
    expect(await store.getNodeApiKey(n.id)).toBe('sk-new-key-0000000001')
    expect((await store.updateNode(n.id, { apiKey: null }))?.hasApiKey).toBe(false)
    expect(await store.getNodeApiKey(n.id)).toBeNull()
    expect(await store.updateNode('nope', { weight: 2 })).toBeNull()
    expect(await store.deleteNode(n.id)).toBe(true)
    expect(await store.deleteNode(n.id)).toBe(false)
    expect(await store.getNode(n.id)).toBeNull()
  })

  it('stores whether a node is managed, on create and on update', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const m = await store.createNode({
      accountId: a.id,
      name: 'm',
      baseUrl: 'https://r.test',
      managed: true,
    })
    expect(m.managed).toBe(true)
    expect((await store.getNode(m.id))?.managed).toBe(true)
    expect((await store.listNodes({ accountId: a.id }))[0]?.managed).toBe(true)
    // Other updates keep it; only an explicit patch changes it.
    expect((await store.updateNode(m.id, { weight: 2, name: 'm2' }))?.managed).toBe(true)
    expect((await store.updateNode(m.id, { managed: false }))?.managed).toBe(false)
    expect((await store.getNode(m.id))?.managed).toBe(false)
  })

  it('validates input and refuses a duplicate name in one account', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const s = store
    await s.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' })
    const errors = await Promise.all([
      s.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' }).catch((e) => e),
      s.createNode({ accountId: a.id, name: 'm', baseUrl: 'ftp://r.test' }).catch((e) => e),
      s
        .createNode({ accountId: a.id, name: 'm', baseUrl: 'https://r.test', weight: 0 })
        .catch((e) => e),
      s.createNode({ accountId: 'nope', name: 'm', baseUrl: 'https://r.test' }).catch((e) => e),
    ])
    expect(errors.map((e) => isStoreError(e) && e.code)).toEqual([
      'conflict',
      'invalid',
      'invalid',
      'not_found',
    ])
  })
})
