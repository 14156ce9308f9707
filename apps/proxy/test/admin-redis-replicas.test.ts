/**
 * The admin API of two replicas that share nothing but Redis (each its own memory store): login
 * throttling counts across them and a settings.json download link made on one works once on the
 * other (docs/contract.md §9, §11). Without Redis neither holds, which is what makes these fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RedisLink } from '../src/redis/connection'
import { adminApp, type AdminApp } from './admin-app'
import { dropKeys, testPrefix, upLink } from './redis-fakes'

const prefix = testPrefix()
let links: RedisLink[] = []
const apps: AdminApp[] = []

beforeAll(async () => {
  links = [await upLink(prefix), await upLink(prefix)]
})
afterAll(async () => {
  for (const app of apps) await app.close()
  await dropKeys(links[0] as RedisLink, prefix)
  for (const link of links) await link.close()
})

/** Two replicas on their own stores, on the shared Redis (or on none). */
async function replicas(shared: boolean): Promise<[AdminApp, AdminApp]> {
  const pair = await Promise.all(
    (links as [RedisLink, RedisLink]).map((redis) => adminApp(shared ? { redis } : {})),
  )
  apps.push(...pair)
  return pair as [AdminApp, AdminApp]
}

/** The throttled account, on both stores (root stays free for the other test). */
const USER = { username: 'owner', password: 'owner-password-1' }
const withOwner = async (pair: [AdminApp, AdminApp]) => {
  for (const app of pair)
    await app.store.createAccount({ name: USER.username, password: USER.password })
  return pair
}
const wrongLogin = (app: AdminApp, i: number) =>
  app.request('POST', '/login', undefined, { username: USER.username, password: `wrong-${i}` })

describe('admin API over replicas sharing Redis', () => {
  it('a pair locks after 5 failures spread over both replicas', async () => {
    const [a, b] = await withOwner(await replicas(true))
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await wrongLogin(i % 2 ? b : a, i)).status)
    expect(statuses).toEqual([401, 401, 401, 401, 401])
    const locked = await b.request('POST', '/login', undefined, USER)
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800)
    // Without Redis, each replica counts only its own (3 and 2): the right password gets in.
    const [c, d] = await withOwner(await replicas(false))
    for (let i = 0; i < 5; i++) await wrongLogin(i % 2 ? d : c, i)
    await expect(d.login(USER.username, USER.password)).resolves.toContain('session_token=')
  })

  it('a download link made on one replica works once, on the other', async () => {
    const [a, b] = await replicas(true)
    const made = await a.request('POST', '/admin/api/claude-config', await a.login(), {})
    expect(made.status).toBe(200)
    const { download_url: url } = (await made.json()) as { download_url: string }
    const path = new URL(url).pathname
    const got = await b.request('GET', path)
    expect(got.status).toBe(200)
    expect(await got.text()).toContain('ANTHROPIC_BASE_URL')
    expect((await a.request('GET', path)).status).toBe(404)
    expect((await b.request('GET', path)).status).toBe(404)
    // Without Redis, memory stores share nothing.
    const [c, d] = await replicas(false)
    const alone = await c.request('POST', '/admin/api/claude-config', await c.login(), {})
    const { download_url: aloneUrl } = (await alone.json()) as { download_url: string }
    expect((await d.request('GET', new URL(aloneUrl).pathname)).status).toBe(404)
  })
})
