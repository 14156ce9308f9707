import { createHash, randomBytes } from 'node:crypto'
import { createStore, isStoreError, type Store } from '@qcc/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropKeys, testPrefix, upLink } from '../../test/redis-fakes'
import { startRedisRelay, type RedisRelay } from '../../test/redis-relay'
import { pollUntil } from '../../test/wait'
import type { DownloadLinks } from './context'
import { storeDownloadLinks } from './settings-gen'
import type { RedisLink } from '../redis/connection'
import { redisDownloadLinks } from './redis-download-links'

const TEN_MINUTES = 10 * 60_000
const SECRET = 'sk-qcc-not-a-real-key-0123456789abcdef'
const PAYLOAD = JSON.stringify({ env: { ANTHROPIC_AUTH_TOKEN: SECRET } }, null, 2) + '\n'
const prefix = testPrefix()
const links: RedisLink[] = []
let a: RedisLink
let b: RedisLink
let relay: RedisRelay
let store: Store
let accountId: string
/** The store's links, shared by both "replicas" (as MySQL is; memory mode has no other). */
let fallback: DownloadLinks
let onA: DownloadLinks
let onB: DownloadLinks

beforeAll(async () => {
  a = await upLink(prefix)
  b = await upLink(prefix)
  links.push(a, b)
  relay = await startRedisRelay()
  store = await createStore({ kind: 'memory', secretKey: randomBytes(32) })
  accountId = (await store.createAccount({ name: 'dl', password: 'dl-password-1' })).id
  fallback = storeDownloadLinks(store)
  onA = redisDownloadLinks({ link: a, fallback })
  onB = redisDownloadLinks({ link: b, fallback })
})
afterAll(async () => {
  await dropKeys(a, prefix)
  for (const link of links) await link.close()
  await relay?.close()
  await store?.close()
})

const input = (payload = PAYLOAD, ttlMs = TEN_MINUTES) => ({
  accountId,
  payload,
  expiresAt: new Date(Date.now() + ttlMs),
})
const keyOf = (token: string) =>
  `${prefix}dl:${createHash('sha256').update(token, 'utf8').digest('hex')}`

describe('download links in Redis (docs/contract.md §9, §11)', () => {
  it('works once, on any replica', async () => {
    const { token } = await onA.create(input())
    expect(await onB.consume(token)).toBe(PAYLOAD)
    expect(await onA.consume(token)).toBeNull()
    expect(await onB.consume(token)).toBeNull()
    // Of many downloads at once over both replicas, exactly one gets the file.
    const { token: raced } = await onB.create(input())
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? onA : onB).consume(raced)),
    )
    expect(answers.filter((x) => x === PAYLOAD)).toHaveLength(1)
    expect(answers.filter((x) => x === null)).toHaveLength(9)
  })

  it('keeps neither the token nor the file in plain text, and lives 10 minutes', async () => {
    const { token } = await onA.create(input())
    const sealed = await a.client.get(keyOf(token))
    expect(sealed).not.toBeNull()
    for (const clear of [token, SECRET, 'ANTHROPIC_AUTH_TOKEN']) expect(sealed).not.toContain(clear)
    const all = await a.client.keys(`${prefix}*`)
    expect(all.some((k) => k.includes(token))).toBe(false)
    const ttl = await a.client.pttl(keyOf(token))
    expect(ttl).toBeGreaterThan(TEN_MINUTES - 60_000)
    expect(ttl).toBeLessThanOrEqual(TEN_MINUTES)
    // Not made in the store: the store does not know the token.
    expect(await fallback.consume(token)).toBeNull()
    expect(await onB.consume(token)).toBe(PAYLOAD)
  })

  it('an altered or moved entry does not open; odd tokens are refused without asking', async () => {
    const { token } = await onA.create(input())
    const { token: other } = await onA.create(input('{"other": true}\n'))
    // Another link's sealed payload copied under this key: bound to its own key, it fails.
    await a.client.set(keyOf(token), (await a.client.get(keyOf(other))) as string, 'PX', 60_000)
    expect(await onB.consume(token)).toBeNull()
    expect(await onB.consume(other)).toBe('{"other": true}\n')
    for (const odd of ['', 'x'.repeat(129)]) expect(await onA.consume(odd)).toBeNull()
  })

  it('leaves what Redis will not hold to the store: too big, or already expired', async () => {
    const big = 'x'.repeat(32 * 1024 + 1)
    const refused = await onA.create(input(big)).catch((err: unknown) => err)
    expect(isStoreError(refused) && refused.code).toBe('invalid')
    const { token } = await onA.create(input(PAYLOAD, -1000))
    expect(await a.client.exists(keyOf(token))).toBe(0)
    expect(await onB.consume(token)).toBeNull()
  })
})

describe('download links while Redis is away', () => {
  it('are made in the store at once, and still work once when Redis is back', async () => {
    const cut = await upLink(prefix, relay.url(), { maxRetryDelayMs: 100 })
    links.push(cut)
    const viaCut = redisDownloadLinks({ link: cut, fallback })
    const { token: before } = await viaCut.create(input())
    await relay.cut()
    const started = Date.now()
    // Right after the cut (the link may not know yet), then once it does.
    const { token: during } = await viaCut.create(input('{"during": 1}\n'))
    await pollUntil('link down', () => !cut.up, { timeoutMs: 5000, intervalMs: 10 })
    const { token: later } = await viaCut.create(input('{"later": 1}\n'))
    expect(await viaCut.consume(during)).toBe('{"during": 1}\n')
    // A link in Redis is not there to have while Redis is away (never handed out twice).
    expect(await viaCut.consume(before)).toBeNull()
    expect(Date.now() - started).toBeLessThan(2000)
    await relay.restore()
    expect(await cut.whenUp(5000)).toBe(true)
    expect(await onA.consume(later)).toBe('{"later": 1}\n')
    expect(await onB.consume(later)).toBeNull()
    expect(await viaCut.consume(before)).toBe(PAYLOAD)
    expect(await onA.consume(before)).toBeNull()
  })
})
