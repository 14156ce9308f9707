import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { loadEnv, startQcc, type RunningQcc } from '../src/index'
import { createLogger } from '../src/observability/logger'
import { AdminClient, documentedRoutes, eventually, messages, seenAnswers } from './admin-harness'
import { MESSAGE_BODY } from './start-qcc'

const tag = () => randomBytes(6).toString('hex')
const CANARY = {
  adminPassword: `cnry-admin-pw-${tag()}`,
  adminKey: `cnry-admin-key-${tag()}`,
  defaultKey: `cnry-default-key-${tag()}`,
  upstreamKey: `sk-ant-cnry-upstream-${tag()}`,
  tenantKey: `cnry-tenant-key-${tag()}`,
  tenantPassword: `cnry-tenant-pw-${tag()}`,
  tenantUpstreamKey: `sk-ant-cnry-tenant-up-${tag()}`,
  wrongPassword: `cnry-wrong-pw-${tag()}`,
  badProxyKey: `cnry-bad-key-${tag()}`,
}

let logs = ''
let up: FakeUpstream
let qcc: RunningQcc

beforeAll(async () => {
  up = await startFakeUpstream()
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs += String(chunk)
      done()
    },
  })
  qcc = await startQcc(
    loadEnv({
      LISTEN_ADDR: '127.0.0.1:0',
      PROXY_DRAIN_TIMEOUT_SEC: '1',
      ADMIN_PASSWORD: CANARY.adminPassword,
      ADMIN_API_KEY: CANARY.adminKey,
      DEFAULT_PROXY_API_KEY: CANARY.defaultKey,
      UPSTREAM_BASE_URL: up.url,
      UPSTREAM_API_KEY: CANARY.upstreamKey,
    }),
    { logger: createLogger('trace', sink) },
  )
})
afterAll(async () => {
  await qcc?.close()
  await up?.close()
})

describe('A8 canary secrets', () => {
  it('A8: no password, proxy key, upstream key or session id shows up in logs or answers', async () => {
    seenAnswers.length = 0
    const anon = AdminClient.for(qcc)
    await anon.post('/login', { username: 'admin', password: CANARY.wrongPassword })
    await anon.request('POST', '/login', `username=admin&password=${CANARY.wrongPassword}`, {
      'content-type': 'application/x-www-form-urlencoded',
    })
    const admin = AdminClient.for(qcc)
    await admin.login('admin', CANARY.adminPassword)
    const created = await admin.post('/admin/api/accounts', {
      name: 'canary-tenant',
      password: CANARY.tenantPassword,
      proxy_api_key: CANARY.tenantKey,
    })
    expect(created.status).toBe(201)
    // The one answer that shows a key, by design (docs/contract.md §6.1): taken out of the sweep.
    seenAnswers.splice(seenAnswers.indexOf(created), 1)
    const tenantId = created.json.id as string
    await admin.post(`/admin/api/nodes?account_id=${tenantId}`, {
      name: 'canary-node',
      base_url: up.url,
      api_key: CANARY.tenantUpstreamKey,
    })
    await admin.post(`/admin/api/nodes?account_id=${tenantId}`, {
      name: 'dead-node',
      base_url: 'http://127.0.0.1:9',
      api_key: CANARY.tenantUpstreamKey,
      weight: 5,
    })
    const tenant = AdminClient.for(qcc)
    await tenant.login('canary-tenant', CANARY.tenantPassword)

    // Traffic: success, stream, upstream failure, unknown key, every key in both headers.
    await eventually(async () => {
      const r = await messages(qcc.url, CANARY.tenantKey, MESSAGE_BODY)
      await r.text()
      if (r.status !== 200) throw new Error(String(r.status))
    })
    up.enqueue({ kind: 'status', status: 401 }, { kind: 'status', status: 500 })
    for (const [key, body] of [
      [CANARY.tenantKey, MESSAGE_BODY],
      [CANARY.tenantKey, { ...MESSAGE_BODY, stream: true }],
      [CANARY.defaultKey, MESSAGE_BODY],
      [CANARY.adminKey, MESSAGE_BODY],
      [CANARY.badProxyKey, MESSAGE_BODY],
    ] as const) {
      const r = await messages(qcc.url, key, body)
      seenAnswers.push({
        status: r.status,
        headers: r.headers,
        text: await r.text(),
        json: undefined,
      })
      const bearer = await fetch(`${qcc.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      seenAnswers.push({
        status: bearer.status,
        headers: bearer.headers,
        text: await bearer.text(),
        json: undefined,
      })
    }
    await qcc.store.usageWriter.flush()

    // Every GET route of the API, as admin and as the tenant; then the key and share flows.
    const routes = await documentedRoutes(admin)
    for (const client of [admin, tenant]) {
      for (const doc of routes) {
        if (doc.method !== 'GET' || doc.path.includes('{') || doc.path.endsWith('/events')) continue
        await client.get(doc.path)
      }
      await client.get('/admin/api/nodes?account_id=*')
      await client.get('/admin/api/usage/summary?group_by=key')
      await client.get('/admin/api/usage/logs?limit=1000')
    }
    const key = await tenant.post('/admin/api/keys', { name: 'second' })
    seenAnswers.splice(seenAnswers.indexOf(key), 1)
    await tenant.post('/admin/api/keys/revoke', { id: key.json.id })
    await tenant.post('/admin/api/claude-config', {})
    await admin.post('/admin/api/me/password', {
      current: CANARY.wrongPassword,
      new: 'x'.repeat(12),
    })
    await admin.post('/logout', undefined, { accept: 'application/json' })

    const sessionIds = [admin.cookie, tenant.cookie].filter(Boolean) as string[]
    const secrets = [...Object.values(CANARY), ...sessionIds]
    expect(logs.length).toBeGreaterThan(1000)
    for (const secret of secrets) {
      expect(logs.includes(secret), `log contains ${secret}`).toBe(false)
    }
    expect(seenAnswers.length).toBeGreaterThan(50)
    for (const answer of seenAnswers) {
      const headers = [...answer.headers.entries()].filter(([k]) => k !== 'set-cookie')
      const text = answer.text + JSON.stringify(headers)
      for (const secret of Object.values(CANARY)) {
        expect(text.includes(secret), `answer ${answer.status} contains ${secret}`).toBe(false)
      }
    }
  })
})
