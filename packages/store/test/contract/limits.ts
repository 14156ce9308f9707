import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import { contractPart, eventually } from '../support/harness'

const T = Date.UTC(2026, 0, 15, 10, 30, 0)

/** The error of `p`, which must fail with StoreError `invalid`. */
async function invalid(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(isStoreError(err, 'invalid'), String(err)).toBe(true)
  return (err as Error).message
}

/** Limits on keys and accounts, the key index carrying them, and a key's first use (docs/contract.md §10). */
export const limitsContract = contractPart('limits', (stores) => {
  it('keeps key limits through create, update, list and rotate', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'l', password: 'pw' })
    const { key } = await s.createProxyKey({
      accountId: a.id,
      name: 'ci',
      limits: { rpm: 10, models: ['claude-sonnet-*'], ips: ['10.0.0.7/8'] },
    })
    // Normalised by core: the CIDR's host bits cleared.
    expect(key.limits).toEqual({ rpm: 10, models: ['claude-sonnet-*'], ips: ['10.0.0.0/8'] })
    const updated = await s.updateProxyKey(key.id, {
      limits: { rpm: null, tpm: 5000, expires_at: 1_900_000_000_000 },
    })
    const merged = {
      tpm: 5000,
      models: ['claude-sonnet-*'],
      ips: ['10.0.0.0/8'],
      expires_at: 1_900_000_000_000,
    }
    expect(updated).toMatchObject({ name: 'ci', limits: merged })
    const renamed = await s.updateProxyKey(key.id, { name: 'ci-2' })
    expect(renamed).toMatchObject({ name: 'ci-2', limits: merged })
    expect((await s.listProxyKeys(a.id))[0]?.limits).toEqual(merged)
    const rotated = await s.rotateProxyKey(key.id)
    expect(rotated?.key).toMatchObject({ name: 'ci-2', limits: merged, firstUsedAt: null })
    const cleared = await s.updateProxyKey(rotated?.key.id ?? '', { limits: null })
    expect(cleared?.limits).toEqual({})
    expect(await s.updateProxyKey('nope', { limits: { rpm: 1 } })).toBeNull()
  })

  it('refuses invalid limits, naming the field, and changes nothing', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'l', password: 'pw' })
    const bad = { rpm: 1.5 } as never
    expect(await invalid(s.createProxyKey({ accountId: a.id, limits: bad }))).toMatch(/rpm/)
    expect(await s.listProxyKeys(a.id)).toEqual([])
    const { key } = await s.createProxyKey({ accountId: a.id, limits: { tpm: 100 } })
    const before = await s.changeVersion()
    expect(await invalid(s.updateProxyKey(key.id, { limits: { models: [] } }))).toMatch(/models/)
    expect(await invalid(s.updateProxyKey(key.id, { limits: { bogus: 1 } as never }))).toMatch(
      /bogus/,
    )
    expect(await invalid(s.updateAccount(a.id, { limits: { cost_daily_usd: -1 } }))).toMatch(
      /cost_daily_usd/,
    )
    expect((await s.listProxyKeys(a.id))[0]?.limits).toEqual({ tpm: 100 })
    expect((await s.getAccount(a.id))?.limits).toEqual({})
    expect(await s.changeVersion()).toBe(before)
  })

  it('merges account limits field by field; null clears them', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'l', password: 'pw' })
    expect(a.limits).toEqual({})
    await s.updateAccount(a.id, { limits: { rpm: 100, cost_monthly_usd: 50 } })
    const u = await s.updateAccount(a.id, { limits: { rpm: null, concurrency: 4 } })
    expect(u?.limits).toEqual({ cost_monthly_usd: 50, concurrency: 4 })
    expect((await s.updateAccount(a.id, { name: 'l2' }))?.limits).toEqual(u?.limits)
    expect((await s.listAccounts())[0]?.limits).toEqual(u?.limits)
    expect((await s.updateAccount(a.id, { limits: null }))?.limits).toEqual({})
    expect((await s.getAccount(a.id))?.limits).toEqual({})
  })

  it('resolves keys with their limits and shows a local change at once', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'l', password: 'pw' })
    const { key, secret } = await s.createProxyKey({ accountId: a.id, limits: { rpm: 3 } })
    expect(s.resolveProxyKey(secret)).toEqual({
      accountId: a.id,
      keyId: key.id,
      keyLimits: { rpm: 3 },
      accountLimits: {},
      firstUsedAt: null,
    })
    await s.updateProxyKey(key.id, { limits: { rpm: 7 } })
    expect(s.resolveProxyKey(secret)?.keyLimits).toEqual({ rpm: 7 })
    await s.updateAccount(a.id, { limits: { tpm: 900 } })
    expect(s.resolveProxyKey(secret)?.accountLimits).toEqual({ tpm: 900 })
    await s.markProxyKeyFirstUse(key.id, new Date(T))
    expect(s.resolveProxyKey(secret)?.firstUsedAt).toBe(T)
    await s.updateAccount(a.id, { limits: null })
    expect(s.resolveProxyKey(secret)).toMatchObject({ accountLimits: {}, firstUsedAt: T })
  })

  it('records the first use once; the first writer wins across stores', async () => {
    const a = await stores.open()
    const b = await stores.reopen(a, { pollIntervalMs: 200 })
    const acc = await a.createAccount({ name: 'l', password: 'pw' })
    const { key, secret } = await a.createProxyKey({ accountId: acc.id })
    expect(await a.markProxyKeyFirstUse('nope', new Date(T))).toBeNull()
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? a : b).markProxyKeyFirstUse(key.id, new Date(T + i * 1000)),
      ),
    )
    const won = answers[0]?.getTime()
    expect(won).toBeGreaterThanOrEqual(T)
    expect(answers.map((d) => d?.getTime())).toEqual(answers.map(() => won))
    expect((await a.markProxyKeyFirstUse(key.id, new Date(T + 60_000)))?.getTime()).toBe(won)
    expect((await b.listProxyKeys(acc.id))[0]?.firstUsedAt?.getTime()).toBe(won)
    expect(a.resolveProxyKey(secret)?.firstUsedAt).toBe(won)
    await eventually(() => b.resolveProxyKey(secret)?.firstUsedAt === won, 5000)
    const err = await a.markProxyKeyFirstUse(key.id, new Date(Number.NaN)).catch((e) => e)
    expect(isStoreError(err, 'invalid')).toBe(true)
  })

  it('shows another store key and account limits within 5 s', async () => {
    const a = await stores.open()
    const b = await stores.reopen(a, { pollIntervalMs: 200 })
    const acc = await a.createAccount({ name: 'l', password: 'pw' })
    const { key, secret } = await a.createProxyKey({ accountId: acc.id })
    await a.updateProxyKey(key.id, { limits: { concurrency: 2 } })
    await a.updateAccount(acc.id, { limits: { cost_total_usd: 9 } })
    await eventually(() => {
      const r = b.resolveProxyKey(secret)
      return r?.keyLimits.concurrency === 2 && r.accountLimits.cost_total_usd === 9
    }, 5000)
  })
})
