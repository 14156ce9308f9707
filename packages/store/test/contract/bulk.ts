import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import { contractPart } from '../support/harness'

/** Accounts with their keys and nodes in bulk (provisioning at fleet size). */
export const bulkContract = contractPart('bulk accounts', (stores) => {
  it('creates accounts with their keys and nodes, as the single creates would', async () => {
    const s = await stores.open()
    const before = await s.changeVersion()
    const made = await s.createAccountsInBulk([
      {
        name: 'bulk-a',
        password: null,
        keys: [{ name: 'k1' }, { name: 'k2', key: 'sk-qcc-bulk-chosen-key-1', limits: { rpm: 5 } }],
        nodes: [
          { name: 'n1', baseUrl: 'https://relay.test/a', apiKey: 'sk-ant-bulk-secret-AAAA' },
          { name: 'n2', baseUrl: 'https://relay.test/b', weight: 3 },
        ],
      },
      { name: 'bulk-b', password: 'bulk-b-password' },
    ])
    expect(made).toHaveLength(2)
    const [a, b] = made
    expect(a?.keys.map((k) => k.secret)[1]).toBe('sk-qcc-bulk-chosen-key-1')
    expect(a?.keys[0]?.secret).toMatch(/^sk-qcc-/)
    expect(b).toMatchObject({ keys: [], nodeIds: [] })
    expect(await s.changeVersion()).toBeGreaterThan(before)

    const accounts = await s.listAccounts()
    expect(accounts.map((x) => x.name)).toEqual(expect.arrayContaining(['bulk-a', 'bulk-b']))
    // Each key resolves to its account, with its limits.
    const resolved = s.resolveProxyKey('sk-qcc-bulk-chosen-key-1')
    expect(resolved).toMatchObject({ accountId: a?.accountId, keyId: a?.keys[1]?.id })
    expect(resolved?.keyLimits).toEqual({ rpm: 5 })
    expect(s.resolveProxyKey(a?.keys[0]?.secret ?? '')?.keyId).toBe(a?.keys[0]?.id)
    const nodes = await s.listNodes({ accountId: a?.accountId })
    expect(nodes.map((n) => [n.id, n.name, n.weight, n.hasApiKey]).sort()).toEqual(
      [
        [a?.nodeIds[0], 'n1', 1, true],
        [a?.nodeIds[1], 'n2', 3, false],
      ].sort(),
    )
    expect(await s.getNodeApiKey(a?.nodeIds[0] ?? '')).toBe('sk-ant-bulk-secret-AAAA')
    // A password is hashed only when one is given, and then it logs in.
    expect(await s.verifyPassword('bulk-b', 'bulk-b-password')).not.toBeNull()
  })

  it('refuses bad input and a taken name with nothing of the bad account written', async () => {
    const s = await stores.open()
    await s.createAccount({ name: 'taken', password: 'pw' })
    const bad = await s
      .createAccountsInBulk([
        { name: 'bulk-ok', password: null, nodes: [{ name: 'n', baseUrl: 'ftp://x' }] },
      ])
      .catch((e: unknown) => e)
    expect(isStoreError(bad) && bad.code).toBe('invalid')
    const taken = await s.createAccountsInBulk([{ name: 'taken', password: null }]).catch((e) => e)
    expect(isStoreError(taken) && taken.code).toBe('conflict')
    const names = (await s.listAccounts()).map((x) => x.name)
    expect(names).not.toContain('bulk-ok')
    expect(names.filter((n) => n === 'taken')).toHaveLength(1)
  })
})
