import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProbeRoutes } from './probe-routes'

describe('probe routes', () => {
  let server: Server
  let base: string
  let ready = false
  beforeAll(async () => {
    const answer = createProbeRoutes({
      version: { version: '1.2.3', commit: 'abc', builtAt: '2026-11-27' },
      isReady: async () => ready,
    })
    server = createServer((req, res) => {
      if (!answer(req, res)) res.writeHead(418).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('answers health, readiness as it changes, and the version', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' })
    const notReady = await fetch(`${base}/readyz`)
    expect([notReady.status, await notReady.json()]).toEqual([503, { status: 'not ready' }])
    ready = true
    const nowReady = await fetch(`${base}/readyz?probe=1`)
    expect([nowReady.status, await nowReady.json()]).toEqual([200, { status: 'ready' }])
    expect(await (await fetch(`${base}/version`)).json()).toEqual({
      version: '1.2.3',
      commit: 'abc',
      built_at: '2026-11-27',
    })
  })

  it('leaves other paths alone and refuses other methods', async () => {
    expect((await fetch(`${base}/healthz/x`)).status).toBe(418)
    const post = await fetch(`${base}/healthz`, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })
})
