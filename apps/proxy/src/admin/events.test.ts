import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createStore } from '@qcc/store'
import { createApp } from '../app'
import { loadEnv } from '../env'
import { EventBus } from '../events/bus'
import { createLogger } from '../observability/logger'

describe('GET /admin/api/events', () => {
  it('delivers published events and ends every stream when shutdown starts', async () => {
    const store = await createStore({
      kind: 'memory',
      secretKey: randomBytes(32),
      passwordHash: { N: 1024, r: 8, p: 1 },
    })
    await store.createAccount({ name: 'root', password: 'root-password', isAdmin: true })
    const shutdown = new AbortController()
    const bus = new EventBus()
    const app = createApp({
      store,
      logger: createLogger('silent'),
      env: loadEnv({}),
      eventBus: bus,
      version: { version: 'test', commit: 'x', builtAt: 'now' },
      adminAssets: new Map(),
      shutdown: shutdown.signal,
    })
    const login = await app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: 'root-password' }),
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const res = await app.request('/admin/api/events', { headers: { cookie } })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    expect(decoder.decode((await reader.read()).value)).toContain('event: ready')
    bus.publish({ type: 'config.changed', accountId: null, data: { at: 'then' } })
    expect(decoder.decode((await reader.read()).value)).toContain('event: config.changed')
    expect(bus.size).toBe(1)
    shutdown.abort()
    const started = Date.now()
    for (;;) if ((await reader.read()).done) break
    expect(Date.now() - started).toBeLessThan(1000)
    expect(bus.size).toBe(0)
    await store.close()
  })
})
