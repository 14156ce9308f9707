import { describe, expect, it } from 'vitest'
import { checkSavedUrl, type ResolveAddresses } from './saved-url-check'

/** A resolver that knows a few names and records what it was asked. */
function resolver(names: Record<string, string[]>) {
  const asked: string[] = []
  const resolve: ResolveAddresses = async (host) => {
    asked.push(host)
    const found = names[host]
    if (!found) throw new Error(`ENOTFOUND ${host}`)
    return found.map((address) => ({ address }))
  }
  return { resolve, asked }
}

const tenant = { allowPrivate: false }
const admin = { allowPrivate: true }

describe('checkSavedUrl', () => {
  it('refuses what the literal rule refuses, without a lookup', async () => {
    const { resolve, asked } = resolver({})
    for (const url of ['ftp://relay.example.com', 'https://u:p@relay.example.com']) {
      expect((await checkSavedUrl(url, { ...admin, resolve })).ok, url).toBe(false)
    }
    const metadata = await checkSavedUrl('http://169.254.169.254/latest', { ...admin, resolve })
    expect(metadata).toEqual({ ok: false, reason: 'cloud metadata addresses are not allowed' })
    expect(asked).toEqual([])
  })

  it('takes IP literals (v4 and bracketed v6) as they are, without a lookup', async () => {
    const { resolve, asked } = resolver({})
    expect(await checkSavedUrl('https://93.184.216.34', { ...tenant, resolve })).toEqual({
      ok: true,
    })
    const v6 = await checkSavedUrl('http://[::1]:8080', { ...tenant, resolve })
    expect(v6).toEqual({ ok: false, reason: 'loopback addresses are not allowed for this node' })
    expect(await checkSavedUrl('http://[::1]:8080', { ...admin, resolve })).toEqual({ ok: true })
    expect(asked).toEqual([])
  })

  it('checks every address a name resolves to now', async () => {
    const { resolve, asked } = resolver({
      'public.example.com': ['93.184.216.34'],
      'split.example.com': ['93.184.216.34', '10.0.0.7'],
      'meta.example.com': ['169.254.169.254'],
    })
    expect(await checkSavedUrl('https://public.example.com/v1', { ...tenant, resolve })).toEqual({
      ok: true,
    })
    const split = await checkSavedUrl('https://split.example.com', { ...tenant, resolve })
    expect(split).toEqual({ ok: false, reason: 'private addresses are not allowed for this node' })
    expect(await checkSavedUrl('https://split.example.com', { ...admin, resolve })).toEqual({
      ok: true,
    })
    expect((await checkSavedUrl('https://meta.example.com', { ...admin, resolve })).ok).toBe(false)
    expect(asked).toEqual([
      'public.example.com',
      'split.example.com',
      'split.example.com',
      'meta.example.com',
    ])
  })

  it('accepts a name that does not resolve, or not in time (the connect-time check covers it)', async () => {
    const { resolve } = resolver({})
    expect(await checkSavedUrl('https://later.example.com', { ...tenant, resolve })).toEqual({
      ok: true,
    })
    const never: ResolveAddresses = () => new Promise(() => {})
    const started = Date.now()
    const slow = await checkSavedUrl('https://slow.example.com', {
      ...tenant,
      resolve: never,
      timeoutMs: 20,
    })
    expect(slow).toEqual({ ok: true })
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
