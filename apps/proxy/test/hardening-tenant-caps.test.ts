import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { type AdminClient, type Answer, createTenant, errorBody, loggedIn } from './admin-harness'
import { startTestQcc } from './start-qcc'

/**
 * docs/SECURITY.md H6 (docs/contract.md §9 "smaller rules"): a tenant's account is capped at 50 live proxy keys
 * and 50 live share links (409 `{error}` beyond, admins not capped), may not set a health
 * interval below 30 s, and a login session holds at most 5 event streams (the oldest closes).
 */
const ADMIN_PASSWORD = 'caps-admin-password-1'

let up: FakeUpstream
let qcc: RunningQcc
let admin: AdminClient

beforeAll(async () => {
  up = await startFakeUpstream()
  qcc = await startTestQcc({
    ADMIN_PASSWORD,
    UPSTREAM_BASE_URL: up.url,
    PROXY_HEALTH_INTERVAL_SEC: '5',
  })
  admin = await loggedIn(qcc, 'admin', ADMIN_PASSWORD)
})
afterAll(async () => {
  await qcc?.close()
  await up?.close()
})

const expectCapError = (res: Answer) => {
  expect(res.status, res.text).toBe(409)
  expect(res.json).toEqual(errorBody('conflict', expect.stringMatching(/limit reached/)))
}

describe('tenant caps', () => {
  it('H6: a tenant holds at most 50 live proxy keys; admins are not capped', async () => {
    const tenant = await createTenant(admin, 'caps-keys')
    // The account starts with its first key.
    for (let i = 1; i < 50; i++) {
      expect((await tenant.client.post('/admin/api/keys', { name: `k${i}` })).status).toBe(201)
    }
    expectCapError(await tenant.client.post('/admin/api/keys', { name: 'one-too-many' }))
    const viaConfig = await tenant.client.post('/admin/api/claude-config', { new_key: true })
    expectCapError(viaConfig)
    const live = async () =>
      (
        (await tenant.client.get('/admin/api/keys')).json.keys as Array<{ revoked_at: unknown }>
      ).filter((k) => k.revoked_at === null).length
    expect(await live()).toBe(50)
    // Rotating replaces a key: it stays within the cap.
    const keys = (await tenant.client.get('/admin/api/keys')).json.keys as Array<{ id: string }>
    const firstId = keys[0]?.id as string
    const rotated = await tenant.client.post('/admin/api/keys/rotate', { id: firstId })
    expect(rotated.status).toBe(200)
    expect(await live()).toBe(50)
    // A revoked key frees its slot; parallel requests for it cannot both pass.
    await tenant.client.post('/admin/api/keys/revoke', { id: rotated.json.id })
    const racing = await Promise.all(
      Array.from({ length: 5 }, (_, i) => tenant.client.post('/admin/api/keys', { name: `r${i}` })),
    )
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409])
    expect(await live()).toBe(50)
    const byAdmin = await admin.post(`/admin/api/keys?account_id=${tenant.id}`, { name: 'ops' })
    expect(byAdmin.status).toBe(201)
    expect(await live()).toBe(51)
  })

  it('H6: a tenant holds at most 50 live share links; admins are not capped', async () => {
    const tenant = await createTenant(admin, 'caps-shares')
    const created: string[] = []
    for (let i = 0; i < 50; i++) {
      const res = await tenant.client.post('/admin/api/shares', { expires_in: '1h' })
      expect(res.status).toBe(201)
      created.push(res.json.id as string)
    }
    expectCapError(await tenant.client.post('/admin/api/shares', { expires_in: 'permanent' }))
    expect((await tenant.client.del(`/admin/api/shares?id=${created[0]}`)).status).toBe(200)
    expect((await tenant.client.post('/admin/api/shares', {})).status).toBe(201)
    expectCapError(await tenant.client.post('/admin/api/shares', {}))
    const byAdmin = await admin.post('/admin/api/shares', { account_id: tenant.id })
    expect(byAdmin.status).toBe(201)
  })

  it('H6: a tenant cannot set a health interval below 30 s; env and admin values apply', async () => {
    const tenant = await createTenant(admin, 'caps-interval')
    const effective = async () =>
      (await tenant.client.get('/admin/api/config')).json.health_interval_sec as number
    // The env value (5 s here) applies unchanged to a tenant that set nothing.
    expect(await effective()).toBe(5)
    for (const tooShort of [1, 29]) {
      const res = await tenant.client.put('/admin/api/config', { health_interval_sec: tooShort })
      expect(res.status).toBe(400)
      expect(res.json).toEqual(
        errorBody('invalid_request', expect.stringContaining('health_interval_sec')),
      )
    }
    expect(await effective()).toBe(5)
    expect((await tenant.client.put('/admin/api/config', { health_interval_sec: 30 })).status).toBe(
      200,
    )
    expect(await effective()).toBe(30)
    // Other fields and unsetting still work for the tenant.
    const unset = await tenant.client.put('/admin/api/config', { health_interval_sec: null })
    expect(unset.status).toBe(200)
    expect(await effective()).toBe(5)
    // An admin may set 1 s for the tenant (1..3600), and it applies unchanged.
    const byAdmin = await admin.put(`/admin/api/config?account_id=${tenant.id}`, {
      health_interval_sec: 1,
    })
    expect(byAdmin.status).toBe(200)
    expect(await effective()).toBe(1)
    const outOfRange = await admin.put(`/admin/api/config?account_id=${tenant.id}`, {
      health_interval_sec: 0,
    })
    expect(outOfRange.status).toBe(400)
  })

  it('H6: a login session holds at most 5 event streams; a 6th closes the oldest', async () => {
    const tenant = await createTenant(admin, 'caps-streams')
    const other = await loggedIn(qcc, 'caps-streams', tenant.password)
    const controllers: AbortController[] = []
    const open = async (client: AdminClient) => {
      const controller = new AbortController()
      controllers.push(controller)
      const res = await fetch(`${qcc.url}/admin/api/events`, {
        headers: { cookie: `session_token=${client.cookie}` },
        signal: controller.signal,
      })
      expect(res.headers.get('content-type')).toContain('text/event-stream')
      const reader = (res.body as ReadableStream<Uint8Array>).getReader()
      const first = new TextDecoder().decode((await reader.read()).value)
      expect(first).toContain('event: ready')
      return reader
    }
    /** 'closed' when the stream ended within `ms`, else 'open'. */
    const state = async (reader: ReadableStreamDefaultReader<Uint8Array>, ms: number) => {
      const timer = new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms))
      const ended = (async () => {
        for (let i = 0; i < 100; i++) if ((await reader.read()).done) return 'closed' as const
        return 'open' as const
      })().catch(() => 'closed' as const)
      return Promise.race([ended, timer])
    }
    try {
      const otherSession = await open(other)
      const streams = []
      for (let i = 0; i < 5; i++) streams.push(await open(tenant.client))
      const sixth = await open(tenant.client)
      expect(await state(streams[0] as ReadableStreamDefaultReader<Uint8Array>, 2000)).toBe(
        'closed',
      )
      const rest = await Promise.all([...streams.slice(1), sixth].map((r) => state(r, 300)))
      expect(rest).toEqual(['open', 'open', 'open', 'open', 'open'])
      // Another session of the same account is not affected.
      expect(await state(otherSession, 300)).toBe('open')
    } finally {
      for (const c of controllers) c.abort()
    }
  })
})
