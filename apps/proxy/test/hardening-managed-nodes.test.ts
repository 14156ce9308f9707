import { pollUntil } from './wait'
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { type AdminClient, createTenant, loggedIn, messages } from './admin-harness'
import { createTestDatabase, type TestDatabase } from './mysql-db'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

/**
 * docs/SECURITY.md H1 and docs/contract.md §9 "keys follow their URL": a tenant must never get the operator's
 * upstream key (env node) or an admin-provisioned key sent to a host of its choice. The attacker
 * is a real server on 127.0.0.1 that records every header it receives; private upstreams are
 * allowed for tenants here so that 127.0.0.1 stands for any public host the tenant could name.
 */
const secret = (what: string) => `sk-ant-${what}-${randomBytes(8).toString('hex')}`
const OPERATOR_KEY = secret('operator-canary')

interface Attacker {
  url: string
  seen: { method: string; url: string; headers: IncomingHttpHeaders }[]
  close(): Promise<void>
}

/** A host that records every request and answers like a Messages API, so traffic stays on it. */
async function startAttacker(): Promise<Attacker> {
  const seen: Attacker['seen'] = []
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: 'msg_attacker',
          type: 'message',
          role: 'assistant',
          model: MESSAGE_BODY.model,
          content: [{ type: 'text', text: 'thanks' }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 1, output_tokens: 1 },
        }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const keyOf = (h: IncomingHttpHeaders) => h['x-api-key']

/** Polls (at most `ms`) until `check` is true. */
const until = (what: string, check: () => boolean | Promise<boolean>, ms = 8000) =>
  pollUntil(what, check, { timeoutMs: ms, intervalMs: 100 })

function managedNodes(mode: 'memory' | 'mysql') {
  describe(`managed nodes and keys that follow their URL (${mode} mode)`, () => {
    let up: FakeUpstream
    let up2: FakeUpstream
    let attacker: Attacker
    let db: TestDatabase | undefined
    let qcc: RunningQcc
    let admin: AdminClient
    let acme: Awaited<ReturnType<typeof createTenant>>
    const PROVISIONED_KEY = secret('provisioned')

    beforeAll(async () => {
      up = await startFakeUpstream({ name: `managed-up-${mode}` })
      up2 = await startFakeUpstream({ name: `managed-up2-${mode}` })
      attacker = await startAttacker()
      db = mode === 'mysql' ? await createTestDatabase('managed') : undefined
      qcc = await startTestQcc({
        UPSTREAM_BASE_URL: up.url,
        UPSTREAM_API_KEY: OPERATOR_KEY,
        PROXY_ALLOW_PRIVATE_UPSTREAMS: 'true',
        // A sweep probe every second: a repointed node would send its key within the test.
        PROXY_HEALTH_SWEEP_SEC: '1',
        ...(db ? { PROXY_MYSQL_DSN: db.url, QCC_SECRET_KEY: 'cd'.repeat(32) } : {}),
      })
      admin = await loggedIn(qcc, 'admin', 'admin123')
      acme = await createTenant(admin, `acme-${mode}`)
    })
    afterAll(async () => {
      await qcc?.close()
      await db?.drop()
      await up?.close()
      await up2?.close()
      await attacker?.close()
    })

    const nodeNamed = async (client: AdminClient, name: string) => {
      const res = await client.get('/admin/api/nodes')
      const node = res.json.nodes.find((n: { name: string }) => n.name === name)
      if (!node) throw new Error(`no node ${name} in ${res.text}`)
      return node
    }
    /** One request with `key`: `<status> <node>`, once routing has the latest change. */
    const served = async (key: string) => {
      await qcc.refresh()
      const res = await messages(qcc.url, key, MESSAGE_BODY)
      await res.text()
      return `${res.status} ${res.headers.get('x-qcc-node') ?? ''}`
    }
    /** Waits until a sweep probe after now has reached `host` with `key`. */
    const probed = async (host: FakeUpstream, key: string) => {
      const since = Date.now()
      await qcc.refresh()
      await until(`a probe carrying the node key after ${since}`, () =>
        host.requests.some((r) => r.at > since && r.headers['x-api-key'] === key),
      )
    }
    const leaked = (...keys: string[]) =>
      attacker.seen.filter((r) => keys.some((k) => JSON.stringify(r.headers).includes(k)))

    if (mode === 'memory') {
      it('H1: a tenant cannot repoint the env node at its own host; the operator key never leaves', async () => {
        const tenant = await loggedIn(qcc, 'default', 'default123')
        const env = await nodeNamed(tenant, 'default')
        expect(env).toMatchObject({ base_url: up.url, has_api_key: true, managed: true })
        for (const body of [
          { base_url: attacker.url },
          { base_url: attacker.url, api_key: 'sk-ant-attacker-000000000000' },
          { api_key: 'sk-ant-attacker-000000000000' },
          { health_check_method: 'head' },
        ]) {
          const res = await tenant.put(`/admin/api/nodes?id=${env.id}`, body)
          expect(res.status, JSON.stringify(body)).toBe(403)
          expect(res.json.error, JSON.stringify(body)).toMatch(/managed/)
        }
        expect(await nodeNamed(tenant, 'default')).toMatchObject({
          base_url: up.url,
          has_api_key: true,
          health_check_method: env.health_check_method,
        })
        expect(await served('default-proxy-key')).toBe('200 default')
        expect(up.requests.some((r) => r.headers['x-api-key'] === OPERATOR_KEY)).toBe(true)
        await probed(up, OPERATOR_KEY)
        expect(attacker.seen).toEqual([])
      })

      it('H1: on a managed node the owner may rename, reweight, disable, enable and activate, not delete', async () => {
        const tenant = await loggedIn(qcc, 'default', 'default123')
        const env = await nodeNamed(tenant, 'default')
        const put = (body: unknown) => tenant.put(`/admin/api/nodes?id=${env.id}`, body)
        expect((await put({ name: 'renamed' })).status).toBe(200)
        expect((await put({ weight: 5 })).status).toBe(200)
        expect((await put({ disabled: true })).status).toBe(200)
        expect((await nodeNamed(tenant, 'renamed')).status).toBe('disabled')
        expect((await put({ disabled: false })).status).toBe(200)
        for (const action of ['disable', 'enable', 'activate']) {
          const res = await tenant.post(`/admin/api/nodes/${action}`, { id: env.id })
          expect(res.status, action).toBe(200)
        }
        // A form that posts every field with its stored value changes nothing it may not.
        const same = { name: 'default', base_url: up.url, health_check_method: 'api', weight: 1 }
        expect((await put(same)).status).toBe(200)
        const del = await tenant.del(`/admin/api/nodes?id=${env.id}`)
        expect(del.status).toBe(403)
        expect(del.json.error).toMatch(/managed/)
        expect(await nodeNamed(tenant, 'default')).toMatchObject({ weight: 1, active: true })
        expect(await served('default-proxy-key')).toBe('200 default')
        expect(attacker.seen).toEqual([])
      })
    }

    it('H1: a node an admin provisioned into a tenant account is managed; its key stays home', async () => {
      const made = await admin.post(`/admin/api/nodes?account_id=${acme.id}`, {
        name: 'provisioned',
        base_url: up.url,
        api_key: PROVISIONED_KEY,
      })
      expect(made.status).toBe(201)
      const node = await nodeNamed(acme.client, 'provisioned')
      expect(node.managed).toBe(true)
      const put = (body: unknown) => acme.client.put(`/admin/api/nodes?id=${node.id}`, body)
      for (const body of [
        { base_url: attacker.url },
        { base_url: attacker.url, api_key: 'sk-ant-attacker-000000000000' },
        { health_check_model: 'claude-haiku-4-5' },
        { auth_header: 'authorization' },
        // The 403 comes before validation: an invalid body on a managed node is still 403.
        { base_url: 'not a url', weight: 0 },
      ]) {
        const res = await put(body)
        expect(res.status, JSON.stringify(body)).toBe(403)
        expect(res.json.error).toEqual(expect.any(String))
      }
      expect((await acme.client.del(`/admin/api/nodes?id=${node.id}`)).status).toBe(403)
      // Ownership still comes first: another tenant gets 404 for the same node.
      const other = await createTenant(admin, `other-${mode}`)
      expect(
        (await other.client.put(`/admin/api/nodes?id=${node.id}`, { base_url: attacker.url }))
          .status,
      ).toBe(404)
      expect(await nodeNamed(acme.client, 'provisioned')).toMatchObject({
        base_url: up.url,
        managed: true,
      })
      if (db) {
        const [row] = await db.query<{ base_url: string; managed: number; api_key_enc: string }>(
          'SELECT base_url, managed, api_key_enc FROM qcc_nodes WHERE id = ?',
          [node.id],
        )
        expect(row).toMatchObject({ base_url: up.url, managed: 1 })
        expect(row?.api_key_enc).not.toContain(PROVISIONED_KEY)
      }
      await until(
        'the provisioned node to serve',
        async () => (await served(acme.key)) === '200 provisioned',
      )
      await probed(up, PROVISIONED_KEY)
      // An admin still moves it (to another origin) without resending the key: it is re-sealed.
      const moved = await admin.put(`/admin/api/nodes?id=${node.id}`, { base_url: up2.url })
      expect(moved.status).toBe(200)
      await until(
        'the moved node to serve',
        async () => (await served(acme.key)) === '200 provisioned',
      )
      expect(up2.requests.some((r) => r.headers['x-api-key'] === PROVISIONED_KEY)).toBe(true)
      expect(attacker.seen).toEqual([])
    })

    it("H1: a tenant moving its own node's base_url must send a new api_key; only that key goes there", async () => {
      const ownKey = secret('own')
      const newKey = secret('new')
      const made = await acme.client.post('/admin/api/nodes', {
        name: 'own',
        base_url: up.url,
        api_key: ownKey,
      })
      expect(made.status).toBe(201)
      const node = await nodeNamed(acme.client, 'own')
      expect(node.managed).toBe(false)
      const put = (body: unknown) => acme.client.put(`/admin/api/nodes?id=${node.id}`, body)
      // docs/contract.md §9 literally: any change of base_url, even of the path only, needs the key.
      for (const base_url of [attacker.url, `${up.url}/relay`]) {
        const res = await put({ base_url, name: 'renamed-own' })
        expect(res.status, base_url).toBe(400)
        expect(res.json.error).toMatch(/^api_key: /)
      }
      expect(await nodeNamed(acme.client, 'own')).toMatchObject({
        base_url: up.url,
        has_api_key: true,
      })
      expect((await acme.client.post('/admin/api/nodes/activate', { id: node.id })).status).toBe(
        200,
      )
      await until('its own node to serve', async () => (await served(acme.key)) === '200 own')
      expect(up.requests.some((r) => r.headers['x-api-key'] === ownKey)).toBe(true)
      expect(attacker.seen).toEqual([])

      expect((await put({ base_url: attacker.url, api_key: newKey })).status).toBe(200)
      await until('the moved node to serve', async () => (await served(acme.key)) === '200 own')
      await until(
        'a probe on the moved node',
        () => attacker.seen.filter((r) => keyOf(r.headers) === newKey).length >= 2,
      )
      const otherKeys = attacker.seen.map((r) => keyOf(r.headers)).filter((k) => k && k !== newKey)
      expect(otherKeys).toEqual([])
      expect(leaked(OPERATOR_KEY, PROVISIONED_KEY, ownKey)).toEqual([])
    })

    it('H6: a tenant account holds at most 50 nodes; the 51st is 409, admins are not capped', async () => {
      const capped = await createTenant(admin, `capped-${mode}`)
      const add = (client: AdminClient, name: string, query = '') =>
        client.post(`/admin/api/nodes${query}`, { name, base_url: up.url, disabled: true })
      for (let i = 1; i <= 50; i++) expect((await add(capped.client, `n${i}`)).status).toBe(201)
      const over = await add(capped.client, 'n51')
      expect(over.status).toBe(409)
      expect(over.json.error).toMatch(/50 nodes/)
      expect((await capped.client.get('/admin/api/nodes')).json.nodes).toHaveLength(50)
      expect((await add(admin, 'by-admin', `?account_id=${capped.id}`)).status).toBe(201)
      expect((await add(capped.client, 'n52')).status).toBe(409)
      expect((await capped.client.get('/admin/api/nodes')).json.nodes).toHaveLength(51)
    })
  })
}

managedNodes('memory')
managedNodes('mysql')
