import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { loadEnv, startQcc, type RunningQcc } from '../src/index'
import { createLogger } from '../src/observability/logger'
import {
  AdminClient,
  documentedRoutes,
  eventually,
  messages,
  type Answer,
  type DocumentedRoute,
} from './admin-harness'
import { MESSAGE_BODY } from './start-qcc'

// docs/SECURITY.md H9: canary strings as the operator's upstream key, a tenant's password, proxy
// keys and node keys; every admin route driven as a tenant and as an admin, every probe method, a
// webhook, the event stream, /metrics, the logs and /v1 error bodies. No canary may appear where
// a tenant can read, and the operator's key nowhere an admin can read either (docs/contract.md §9).
const tag = () => randomBytes(6).toString('hex')
const CANARY = {
  operatorKey: `sk-ant-cnry-operator-${tag()}`,
  adminPassword: `cnry-admin-pw-${tag()}`,
  adminKey: `cnry-admin-key-${tag()}`,
  tenantPassword: `cnry-tenant-pw-${tag()}`,
  tenantKey: `cnry-tenant-key-${tag()}`,
  tenantNodeKey: `cnry-tenant-node-${tag()}`,
  webhookSecret: `cnry-hook-secret-${tag()}`,
}

/** An upstream that echoes every credential it is sent back in its answers, as a hostile relay. */
function echoingUpstream(): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    req.on('end', () => {
      const sent = `${String(req.headers['x-api-key'])} ${String(req.headers.authorization)}`
      const error = (type: string) =>
        JSON.stringify({ type: 'error', error: { type, message: `you sent ${sent}` } })
      if (req.headers['x-echo'] === 'stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        const start = {
          type: 'message_start',
          message: { id: 'msg_1', usage: { input_tokens: 1 } },
        }
        res.write(`event: message_start\ndata: ${JSON.stringify(start)}\n\n`)
        res.end(`event: error\ndata: ${error('api_error')}\n\n`)
        return
      }
      const status = req.headers['x-echo'] === 'bad-request' ? 400 : 401
      res.writeHead(status, { 'content-type': 'application/json', 'x-echo-key': sent })
      res.end(req.method === 'HEAD' ? undefined : error('authentication_error'))
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

const urlOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`
let logs = ''
let up: FakeUpstream
let echo: Server
let hooks: Server
const hookBodies: Record<'tenant' | 'admin', string[]> = { tenant: [], admin: [] }
let qcc: RunningQcc

beforeAll(async () => {
  up = await startFakeUpstream()
  echo = await echoingUpstream()
  hooks = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += String(c)))
    req.on('end', () => {
      hookBodies[req.url === '/tenant-hook' ? 'tenant' : 'admin'].push(body)
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve))
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
      PROXY_HEALTH_INTERVAL_SEC: '1',
      PROXY_HEALTH_SWEEP_SEC: '1',
      PROXY_ALLOW_PRIVATE_UPSTREAMS: 'true',
      NOTIFY_DEDUP_SEC: '1',
      ADMIN_PASSWORD: CANARY.adminPassword,
      ADMIN_API_KEY: CANARY.adminKey,
      UPSTREAM_BASE_URL: urlOf(echo),
      UPSTREAM_API_KEY: CANARY.operatorKey,
    }),
    { logger: createLogger('trace', sink) },
  )
})
afterAll(async () => {
  await qcc?.close()
  await up?.close()
  echo?.closeAllConnections()
  hooks?.closeAllConnections()
  await Promise.all([echo, hooks].map((s) => s && new Promise((r) => s.close(r))))
})

/** A client whose every answer is kept in `into`. */
function recorded(into: Answer[]): AdminClient {
  const client = AdminClient.for(qcc)
  const request = client.request.bind(client)
  client.request = async (...args) => {
    const answer = await request(...args)
    into.push(answer)
    return answer
  }
  return client
}

/** Reads an SSE endpoint into a string until the returned stop function is called. */
function listen(client: AdminClient): { text: () => string; stop: () => void } {
  const abort = new AbortController()
  let text = ''
  void fetch(`${qcc.url}/admin/api/events`, {
    headers: { cookie: `session_token=${client.cookie}` },
    signal: abort.signal,
  })
    .then(async (res) => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += Buffer.from(chunk).toString()
      }
    })
    .catch(() => {})
  return { text: () => text, stop: () => abort.abort() }
}

/** Every route of the contract with a made-up id and an empty body: error bodies are swept too. */
async function driveEveryRoute(client: AdminClient, routes: DocumentedRoute[]): Promise<void> {
  for (const doc of routes) {
    if (doc.path === '/logout' || doc.path.endsWith('/events')) continue
    if (doc.path === '/admin/api/me/password') continue
    const path = doc.path.replace(/\{\w+\}/g, 'no-such-id')
    if (doc.method === 'GET') await client.get(path)
    else await client.request(doc.method, `${path}?id=no-such-id`, {})
  }
  for (const path of ['/admin/api/nodes?account_id=*', '/admin/api/usage/logs?limit=1000']) {
    await client.get(path)
  }
  for (const path of ['/admin/api/notifications', '/admin/api/notifications/deliveries']) {
    await client.get(path)
  }
  await client.get('/admin/api/tunnel')
}

describe('H9: canary sweep', () => {
  it('H9 canary sweep: no secret reaches a tenant, and the operator key reaches no one', async () => {
    const tenantSaw: Answer[] = []
    const adminSaw: Answer[] = []
    const admin = recorded(adminSaw)
    await admin.login('admin', CANARY.adminPassword)
    const created = await admin.post('/admin/api/accounts', {
      name: 'canary-tenant',
      password: CANARY.tenantPassword,
      proxy_api_key: CANARY.tenantKey,
    })
    expect(created.status).toBe(201)
    adminSaw.splice(adminSaw.indexOf(created), 1) // shows the chosen key once, by design
    const tenant = recorded(tenantSaw)
    await tenant.login('canary-tenant', CANARY.tenantPassword)
    const owner = recorded(tenantSaw) // the default tenant, owner of the operator's env node
    await owner.login('default', 'default123')
    const ops = await admin.post('/admin/api/notifications/channels', {
      name: 'ops',
      kind: 'webhook',
      url: `${urlOf(hooks)}/admin-hook`,
      events: ['*'],
    })
    expect(ops.status).toBe(201)
    await admin.post('/admin/api/notifications/test', { id: ops.json.id })
    for (const client of [tenant, owner]) {
      const ch = await client.post('/admin/api/notifications/channels', {
        name: 'mine',
        kind: 'webhook',
        url: `${urlOf(hooks)}/tenant-hook`,
        secret: CANARY.webhookSecret,
        events: ['*'],
      })
      expect(ch.status).toBe(201)
      await client.post('/admin/api/notifications/test', { id: ch.json.id })
    }
    const streams = { tenant: [listen(tenant), listen(owner)], admin: [listen(admin)] }
    expect((await tenant.post('/admin/api/nodes', { name: 'good', base_url: up.url })).status).toBe(
      201,
    )
    for (const method of ['api', 'count_tokens', 'head']) {
      const node = await tenant.post('/admin/api/nodes', {
        name: `echo-${method}`,
        base_url: urlOf(echo),
        api_key: CANARY.tenantNodeKey,
        weight: 5,
        health_check_method: method,
      })
      expect(node.status).toBe(201)
    }

    // Traffic: served, passed-through 400 and a committed error frame echoing the key, failover.
    const v1: Answer[] = []
    const send = async (key: string, body: unknown, headers: Record<string, string> = {}) => {
      const r = await messages(qcc.url, key, body, headers)
      v1.push({ status: r.status, headers: r.headers, text: await r.text(), json: undefined })
      return r.status
    }
    await eventually(async () => {
      if ((await send(CANARY.tenantKey, MESSAGE_BODY)) !== 200) throw new Error('not yet')
    })
    for (const echoMode of ['bad-request', 'stream', 'auth']) {
      await send('default-proxy-key', { ...MESSAGE_BODY, stream: true }, { 'x-echo': echoMode })
    }
    await send(CANARY.tenantKey, { ...MESSAGE_BODY, stream: true })
    await send(`${CANARY.tenantKey}-wrong`, MESSAGE_BODY)

    // Probes of every method ran against the echoing upstream, for both tenants' nodes.
    await eventually(async () => {
      const seen = new Set<string>()
      for (const client of [tenant, owner]) {
        const h = await client.get('/admin/api/health/history?limit=2000')
        for (const check of h.json.checks as Array<{ method: string }>) seen.add(check.method)
      }
      if (!['api', 'count_tokens', 'head'].every((m) => seen.has(m)))
        throw new Error([...seen].join())
      if (hookBodies.tenant.length < 2) throw new Error('no tenant webhook yet')
    }, 20_000)
    await qcc.store.usageWriter.flush()

    const routes = await documentedRoutes(admin)
    for (const client of [admin, tenant, owner]) await driveEveryRoute(client, routes)
    const share = await tenant.post('/admin/api/shares', {})
    if (share.json?.token) await tenant.get(`/api/monitor/share/${share.json.token}`)
    const metrics = await fetch(`${qcc.url}/metrics`)
    const publicText = await metrics.text()
    for (const s of [...streams.tenant, ...streams.admin]) s.stop()

    const text = (answers: Answer[]) =>
      answers
        .map((a) => a.text + JSON.stringify([...a.headers].filter(([k]) => k !== 'set-cookie')))
        .join('\n')
    const tenantCanRead = [
      text(tenantSaw),
      text(v1),
      ...streams.tenant.map((s) => s.text()),
      ...hookBodies.tenant,
      publicText,
    ].join('\n')
    const adminCanRead = [text(adminSaw), streams.admin[0]?.text() ?? '', ...hookBodies.admin].join(
      '\n',
    )
    for (const [name, secret] of Object.entries(CANARY)) {
      expect(tenantCanRead.includes(secret), `a tenant can read ${name}`).toBe(false)
      expect(logs.includes(secret), `the log holds ${name}`).toBe(false)
    }
    for (const name of [
      'operatorKey',
      'tenantNodeKey',
      'tenantPassword',
      'adminPassword',
    ] as const) {
      expect(adminCanRead.includes(CANARY[name]), `an admin can read ${name}`).toBe(false)
    }
    // The sweep saw what it was meant to see, so an empty sweep cannot pass.
    expect(tenantSaw.length + adminSaw.length).toBeGreaterThan(3 * routes.length)
    expect(tenantCanRead).toContain('node.state')
    expect(tenantCanRead).toContain('[redacted]')
    expect(hookBodies.admin.length).toBeGreaterThan(0)
    expect(publicText).toContain('qcc_')
    expect(logs.length).toBeGreaterThan(1000)
  })
})
