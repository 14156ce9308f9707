import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { captureLogger } from '../../test/redis-fakes'
import { startRedisRelay, type RedisRelay } from '../../test/redis-relay'
import { connectRedis } from './connection'
import { parseRedisUrl, RedisUrlError } from './url'

describe('parseRedisUrl', () => {
  it('takes user, password, port, db and TLS, and describes the URL without the password', () => {
    const t = parseRedisUrl('rediss://qcc:s3cr%40t@redis.example.test:6380/2')
    expect(t.options).toEqual({
      host: 'redis.example.test',
      port: 6380,
      db: 2,
      username: 'qcc',
      password: 's3cr@t',
      tls: { servername: 'redis.example.test' },
    })
    expect(t.description).toBe('rediss://qcc@redis.example.test:6380/2')
    expect(parseRedisUrl('redis://:pw@127.0.0.1').options).toMatchObject({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      username: undefined,
      password: 'pw',
      tls: undefined,
    })
    expect(parseRedisUrl('redis://[::1]:7000/').options).toMatchObject({ host: '::1', port: 7000 })
  })

  it('refuses other URLs with a closed code and no secret in the message', () => {
    const refused = (url: string) => {
      try {
        parseRedisUrl(url)
      } catch (error) {
        expect(error).toBeInstanceOf(RedisUrlError)
        expect((error as Error).message).not.toContain('hunter2')
        return (error as RedisUrlError).code
      }
      return 'accepted'
    }
    expect(refused('http://u:hunter2@host:6379')).toBe('unsupported_scheme')
    expect(refused('redis://u:hunter2@host:6379/db1')).toBe('invalid_db')
    expect(refused('not a url hunter2')).toBe('invalid_url')
  })
})

describe('connectRedis', () => {
  let relay: RedisRelay
  beforeAll(async () => void (relay = await startRedisRelay()))
  afterAll(async () => relay.close())

  it('reports up and down once each, in the log, the gauge and the listeners', async () => {
    const { logger, lines } = captureLogger()
    const metrics: Array<{ name: string; get(): { values: Array<{ value: number }> } }> = []
    const link = connectRedis({
      url: relay.url(),
      logger,
      metrics: { registerMetric: (m) => void metrics.push(m) },
      maxRetryDelayMs: 100,
    })
    const gauge = () => metrics.find((m) => m.name === 'qcc_redis_up')?.get().values[0]?.value
    const events: string[] = []
    link.onUp(() => events.push('up'))
    link.onDown(() => events.push('down'))
    try {
      expect(link.prefix).toBe('qcc:')
      expect(await link.whenUp(5000)).toBe(true)
      expect(gauge()).toBe(1)
      expect(await link.client.ping()).toBe('PONG')

      await relay.cut()
      await vi.waitFor(() => expect(link.up).toBe(false), { timeout: 2000, interval: 10 })
      expect(gauge()).toBe(0)
      const start = performance.now()
      await expect(link.client.ping()).rejects.toThrow()
      expect(performance.now() - start).toBeLessThan(100)
      // Several failed reconnects, one warning.
      let attempts = 0
      link.client.on('reconnecting', () => attempts++)
      await vi.waitFor(() => expect(attempts).toBeGreaterThanOrEqual(3), {
        timeout: 3000,
        interval: 20,
      })
      await relay.restore()
      await vi.waitFor(() => expect(link.up).toBe(true), { timeout: 5000, interval: 20 })
      expect(events).toEqual(['up', 'down', 'up'])
      expect(lines.map((l) => l.level)).toEqual(['warn', 'info'])
      expect(lines[0]?.fields.redis).toBe(`redis://127.0.0.1:${relay.port}/0`)
    } finally {
      await link.close()
    }
    expect(link.up).toBe(false)
  })

  it('never logs the password, also when the first connect fails', async () => {
    await relay.cut()
    const { logger, lines } = captureLogger()
    const link = connectRedis({
      url: `redis://qcc:hunter2@127.0.0.1:${relay.port}/1`,
      prefix: 'p:',
      logger,
      maxRetryDelayMs: 100,
    })
    try {
      expect(await link.whenUp(300)).toBe(false)
      expect(lines).toHaveLength(1)
      expect(JSON.stringify(lines)).not.toContain('hunter2')
      expect(link.description).toBe(`redis://qcc@127.0.0.1:${relay.port}/1`)
    } finally {
      await link.close()
      await relay.restore()
    }
  })
})
