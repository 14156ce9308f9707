import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import { contractPart, ManualClock } from '../support/harness'

const TEN_MINUTES = 10 * 60_000

/** One-time settings.json download links (docs/contract.md §9): once, until expiry, on any replica. */
export const downloadLinkContract = contractPart('download links', (stores, h) => {
  const open = async (clock?: ManualClock) => {
    const s = await stores.open(clock ? { clock } : {})
    const account = await s.createAccount({ name: 'links', password: 'links-password-1' })
    return { s, account }
  }

  it('gives the payload once; a second, an unknown and a malformed token get null', async () => {
    const { s, account } = await open()
    const payload = JSON.stringify({ env: { ANTHROPIC_AUTH_TOKEN: 'sk-qcc-links-1' } })
    const { token } = await s.createDownloadLink({
      accountId: account.id,
      payload,
      expiresAt: new Date(Date.now() + TEN_MINUTES),
    })
    expect(token.length).toBeGreaterThanOrEqual(32)
    expect(await s.consumeDownloadLink(token)).toBe(payload)
    expect(await s.consumeDownloadLink(token)).toBeNull()
    expect(await s.consumeDownloadLink(randomBytes(24).toString('base64url'))).toBeNull()
    expect(await s.consumeDownloadLink('')).toBeNull()
    expect(await s.consumeDownloadLink(123 as unknown as string)).toBeNull()
  })

  it('of two concurrent downloads (two replicas where the data is shared) exactly one wins', async () => {
    const { s, account } = await open()
    const other = await stores.reopen(s)
    for (let round = 0; round < 5; round++) {
      const { token } = await s.createDownloadLink({
        accountId: account.id,
        payload: `payload-${round}`,
        expiresAt: new Date(Date.now() + TEN_MINUTES),
      })
      const got = await Promise.all([
        s.consumeDownloadLink(token),
        other.consumeDownloadLink(token),
        other.consumeDownloadLink(token),
      ])
      expect(got.filter((g) => g !== null)).toEqual([`payload-${round}`])
    }
  })

  it('an expired link gives nothing, and retention removes expired links', async () => {
    const clock = new ManualClock()
    const { s, account } = await open(clock)
    const expiresAt = new Date(clock.now() + TEN_MINUTES)
    const late = await s.createDownloadLink({ accountId: account.id, payload: 'late', expiresAt })
    const used = await s.createDownloadLink({ accountId: account.id, payload: 'used', expiresAt })
    const longer = await s.createDownloadLink({
      accountId: account.id,
      payload: 'longer',
      expiresAt: new Date(clock.now() + 2 * TEN_MINUTES),
    })
    expect(await s.consumeDownloadLink(used.token)).toBe('used')
    clock.advance(TEN_MINUTES)
    expect(await s.consumeDownloadLink(late.token)).toBeNull()
    const swept = await s.retention({ usageRawDays: 30, healthDays: 30 })
    expect(swept.downloadLinks).toBe(2)
    expect((await s.retention({ usageRawDays: 30, healthDays: 30 })).downloadLinks).toBe(0)
    expect(await s.consumeDownloadLink(longer.token)).toBe('longer')
  })

  it('keeps neither the payload nor the token in plain text', async () => {
    const { s, account } = await open()
    const secret = `CANARY-download-${randomBytes(8).toString('hex')}`
    const { token } = await s.createDownloadLink({
      accountId: account.id,
      payload: `{"key":"${secret}"}`,
      expiresAt: new Date(Date.now() + TEN_MINUTES),
    })
    const dump = await h.dump(s)
    expect(dump).not.toContain(secret)
    expect(dump).not.toContain(token)
  })

  it('refuses a payload too large, a bad expiry and an unknown account', async () => {
    const { s, account } = await open()
    const expiresAt = new Date(Date.now() + TEN_MINUTES)
    const big = s.createDownloadLink({
      accountId: account.id,
      payload: 'x'.repeat(40_000),
      expiresAt,
    })
    expect(isStoreError(await big.catch((e) => e), 'invalid')).toBe(true)
    const bad = s.createDownloadLink({
      accountId: account.id,
      payload: '{}',
      expiresAt: new Date(Number.NaN),
    })
    expect(isStoreError(await bad.catch((e) => e), 'invalid')).toBe(true)
    const orphan = s.createDownloadLink({
      accountId: 'no-such-account',
      payload: '{}',
      expiresAt,
    })
    expect(isStoreError(await orphan.catch((e) => e), 'not_found')).toBe(true)
  })
})
