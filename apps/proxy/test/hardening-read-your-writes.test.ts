import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { type AdminClient, type Answer, eventually, loggedIn, messages } from './admin-harness'
import { createTestDatabase, type TestDatabase } from './mysql-db'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

/**
 * docs/SECURITY.md H7 (docs/contract.md §9 "read your writes"): after an admin mutation answered 2xx, the very
 * next request on the same replica sees it. Every check sends `/v1/messages` right after the
 * answer, with no delay, for a bounded number of rounds so that a race would show.
 */
const ROUNDS = 10
const ADMIN_PASSWORD = 'ryw-admin-password-1'
const UPSTREAM_KEY = 'sk-ant-ryw-upstream-0123456789'

let good: FakeUpstream
let bad: FakeUpstream

beforeAll(async () => {
  good = await startFakeUpstream({ name: 'good' })
  // Every answer a 500: a node behind it fails over (counted, far below the fail limit).
  bad = await startFakeUpstream({ name: 'bad', defaultBehaviour: { kind: 'status', status: 500 } })
})
afterAll(async () => {
  await good?.close()
  await bad?.close()
})

/** `<status> <x-qcc-node>` of one request with `key`. */
async function served(qcc: RunningQcc, key: string): Promise<string> {
  const res = await messages(qcc.url, key, MESSAGE_BODY)
  await res.text()
  return `${res.status} ${res.headers.get('x-qcc-node') ?? ''}`.trim()
}

function readYourWrites(mode: 'mysql' | 'memory') {
  describe(`read your writes (${mode} mode)`, () => {
    let db: TestDatabase | undefined
    let qcc: RunningQcc
    let replica: RunningQcc | undefined
    let admin: AdminClient
    let seq = 0
    const unique = (what: string) => `ryw-${mode}-${what}-${++seq}`

    const ok = (res: Answer, status = 200) => {
      expect(res.status, res.text).toBe(status)
      return res
    }
    /** A tenant account (id, first key) that has routed through `nodes` (name → weight). */
    async function account(nodes: Record<string, number>, upstream = good) {
      const created = ok(await admin.post('/admin/api/accounts', { name: unique('acct') }), 201)
      const id = created.json.id as string
      const ids: Record<string, string> = {}
      for (const [name, weight] of Object.entries(nodes)) {
        const base = name.startsWith('bad') ? bad : upstream
        const node = await admin.post(`/admin/api/nodes?account_id=${id}`, {
          name,
          base_url: base.url,
          api_key: UPSTREAM_KEY,
          weight,
        })
        ids[name] = ok(node, 201).json.id as string
      }
      return { id, key: created.json.proxy_api_key as string, nodes: ids }
    }
    /** Setup only: waits for what the test is not about (old mains need the 2 s poll here). */
    const settled = (key: string, expected: string) =>
      eventually(async () => {
        const got = await served(qcc, key)
        if (got !== expected) throw new Error(`${got} instead of ${expected}`)
      }, 8000)

    beforeAll(async () => {
      const env: Record<string, string> = {
        ADMIN_PASSWORD,
        ADMIN_API_KEY: 'ryw-admin-proxy-key-1',
        UPSTREAM_BASE_URL: good.url,
        PROXY_HEALTH_INTERVAL_SEC: '3600',
        PROXY_HEALTH_SWEEP_SEC: '86400',
      }
      if (mode === 'mysql') {
        db = await createTestDatabase('ryw')
        env.PROXY_MYSQL_DSN = db.url
        env.QCC_SECRET_KEY = 'cd'.repeat(32)
      }
      qcc = await startTestQcc(env)
      if (mode === 'mysql') replica = await startTestQcc(env)
      admin = await loggedIn(qcc, 'admin', ADMIN_PASSWORD)
    })
    afterAll(async () => {
      await qcc?.close()
      await replica?.close()
      await db?.drop()
    })

    it('H7: a new account, its node and a new key serve the very next request', async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const created = ok(await admin.post('/admin/api/accounts', { name: unique('new') }), 201)
        const key = created.json.proxy_api_key as string
        ok(
          await admin.post(`/admin/api/nodes?account_id=${created.json.id}`, {
            name: `first-${i}`,
            base_url: good.url,
            api_key: UPSTREAM_KEY,
          }),
          201,
        )
        expect(await served(qcc, key)).toBe(`200 first-${i}`)
        const extra = ok(await admin.post(`/admin/api/keys?account_id=${created.json.id}`, {}), 201)
        expect(await served(qcc, extra.json.key as string)).toBe(`200 first-${i}`)
      }
    })

    it('H7: a node created in an existing account routes on the very next request', async () => {
      const tenant = await account({ base: 1000 })
      await settled(tenant.key, '200 base')
      for (let i = 0; i < ROUNDS; i++) {
        // Each new node is in a better priority tier than every earlier one.
        const res = await admin.post(`/admin/api/nodes?account_id=${tenant.id}`, {
          name: `top-${i}`,
          base_url: good.url,
          api_key: UPSTREAM_KEY,
          weight: 100 - i,
        })
        ok(res, 201)
        expect(await served(qcc, tenant.key)).toBe(`200 top-${i}`)
      }
    })

    it('H7: a disabled node is out and a re-enabled node is back on the very next request', async () => {
      const tenant = await account({ first: 1, second: 2 })
      await settled(tenant.key, '200 first')
      for (let i = 0; i < ROUNDS; i++) {
        ok(await admin.post('/admin/api/nodes/disable', { id: tenant.nodes.first }))
        expect(await served(qcc, tenant.key)).toBe('200 second')
        ok(await admin.post('/admin/api/nodes/enable', { id: tenant.nodes.first }))
        expect(await served(qcc, tenant.key)).toBe('200 first')
      }
    })

    it('H7: a deleted node is out of rotation on the very next request', async () => {
      const tenant = await account({ keep: 50 })
      for (let i = 0; i < ROUNDS; i++) {
        const res = await admin.post(`/admin/api/nodes?account_id=${tenant.id}`, {
          name: `gone-${i}`,
          base_url: good.url,
          api_key: UPSTREAM_KEY,
          weight: 1,
        })
        await settled(tenant.key, `200 gone-${i}`)
        ok(await admin.del(`/admin/api/nodes?id=${ok(res, 201).json.id}`))
        expect(await served(qcc, tenant.key)).toBe('200 keep')
      }
    })

    it('H7: an activated node takes the traffic on the very next request', async () => {
      const tenant = await account({ first: 1, second: 2 })
      await settled(tenant.key, '200 first')
      for (let i = 0; i < ROUNDS; i++) {
        const name = i % 2 === 0 ? 'second' : 'first'
        ok(await admin.post('/admin/api/nodes/activate', { id: tenant.nodes[name] }))
        expect(await served(qcc, tenant.key)).toBe(`200 ${name}`)
      }
    })

    it('H7: a changed retries setting applies on the very next request', async () => {
      // `bad` (first tier) answers 500; only a second attempt reaches `healthy`.
      const tenant = await account({ 'bad-first': 1, healthy: 2 })
      ok(await admin.put(`/admin/api/config?account_id=${tenant.id}`, { fail_limit: 100 }))
      await settled(tenant.key, '200 healthy')
      for (let i = 0; i < ROUNDS; i++) {
        ok(await admin.put(`/admin/api/config?account_id=${tenant.id}`, { retries: 1 }))
        // One attempt only: the client gets the failed node's 502, `healthy` is never tried.
        expect((await served(qcc, tenant.key)).split(' ')[0]).toBe('502')
        ok(await admin.put(`/admin/api/config?account_id=${tenant.id}`, { retries: 2 }))
        expect(await served(qcc, tenant.key)).toBe('200 healthy')
      }
    })

    it('H7: a revoked key is refused and a rotated key swaps on the very next request', async () => {
      const tenant = await account({ only: 1 })
      await settled(tenant.key, '200 only')
      for (let i = 0; i < ROUNDS; i++) {
        const created = ok(await admin.post(`/admin/api/keys?account_id=${tenant.id}`, {}), 201)
        expect(await served(qcc, created.json.key as string)).toBe('200 only')
        const rotated = ok(await admin.post('/admin/api/keys/rotate', { id: created.json.id }))
        expect(await served(qcc, created.json.key as string)).toBe('401')
        expect(await served(qcc, rotated.json.key as string)).toBe('200 only')
        ok(await admin.post('/admin/api/keys/revoke', { id: rotated.json.id }))
        expect(await served(qcc, rotated.json.key as string)).toBe('401')
      }
    })

    it('H7: a disabled account is refused and a re-enabled one served on the very next request', async () => {
      const tenant = await account({ only: 1 })
      await settled(tenant.key, '200 only')
      for (let i = 0; i < ROUNDS; i++) {
        ok(await admin.put(`/admin/api/accounts?id=${tenant.id}`, { disabled: true }))
        expect(await served(qcc, tenant.key)).toBe('401')
        ok(await admin.put(`/admin/api/accounts?id=${tenant.id}`, { disabled: false }))
        expect(await served(qcc, tenant.key)).toBe('200 only')
      }
    })

    if (mode === 'mysql') {
      it('H7: another replica routes a created node and drops a disabled one within 2 s', async () => {
        const tenant = await account({ base: 10 })
        const other = replica as RunningQcc
        const within2s = async (expected: string) => {
          const t0 = Date.now()
          await eventually(async () => {
            const got = await served(other, tenant.key)
            if (got !== expected) throw new Error(`${got} instead of ${expected}`)
          }, 4000)
          return Date.now() - t0
        }
        const created = await admin.post(`/admin/api/nodes?account_id=${tenant.id}`, {
          name: 'remote',
          base_url: good.url,
          api_key: UPSTREAM_KEY,
          weight: 1,
        })
        expect(await within2s('200 remote')).toBeLessThan(2500)
        ok(await admin.post('/admin/api/nodes/disable', { id: ok(created, 201).json.id }))
        expect(await within2s('200 base')).toBeLessThan(2500)
        // This replica answered at once, and its own whole reloads did not undo it since.
        expect(await served(qcc, tenant.key)).toBe('200 base')
      })
    }
  })
}

readYourWrites('mysql')
readYourWrites('memory')
