import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningQcc } from '../src/index'
import { AdminClient, createTenant, loggedIn } from './admin-harness'
import { startTestQcc } from './start-qcc'
import {
  createFakeCloudflared,
  startFakeCloudflare,
  waitFor,
  type FakeCloudflare,
  type FakeCloudflared,
} from './tunnel-fakes'

let cf: FakeCloudflare
let bin: FakeCloudflared
let qcc: RunningQcc
let admin: AdminClient

beforeAll(async () => {
  cf = await startFakeCloudflare()
  bin = createFakeCloudflared()
  // Env start: TUNNEL_ENABLED with a token and subdomain saves the config and starts at boot.
  qcc = await startTestQcc({
    TUNNEL_ENABLED: 'true',
    CF_API_TOKEN: cf.token,
    TUNNEL_SUBDOMAIN: 'boot',
    TUNNEL_ZONE: 'example.com',
    CF_API_BASE_URL: cf.url,
    TUNNEL_CLOUDFLARED_PATH: bin.path,
  })
  admin = await loggedIn(qcc, 'admin', 'admin123')
})
afterAll(async () => {
  await qcc?.close()
  await cf?.close()
  bin?.cleanup()
})

describe('tunnel admin API', () => {
  it('starts from the env at boot, pointing the tunnel at the listener', async () => {
    const running = await waitFor(async () => {
      const res = await admin.get('/admin/api/tunnel')
      return res.json?.status === 'running' ? res.json : undefined
    })
    expect(running).toMatchObject({
      enabled: true,
      subdomain: 'boot',
      zone: 'example.com',
      has_api_token: true,
      public_url: 'https://boot.example.com',
      last_error: null,
    })
    expect(JSON.stringify(running)).not.toContain(cf.token)
    const t = cf.tunnels.get(running.tunnel_id as string)
    expect(t?.ingress).toEqual([
      { hostname: 'boot.example.com', service: qcc.url },
      { service: 'http_status:404' },
    ])
  })

  it('lets an admin stop, reconfigure and start it, and records it in the audit log', async () => {
    const stopped = await admin.post('/admin/api/tunnel/stop')
    expect(stopped.status).toBe(200)
    expect(stopped.json).toMatchObject({ status: 'stopped', enabled: false, public_url: null })
    expect([...cf.tunnels.values()].every((t) => t.deleted)).toBe(true)
    expect(cf.dns.size).toBe(0)

    const put = await admin.put('/admin/api/tunnel', { subdomain: 'Console' })
    expect(put.status).toBe(200)
    expect(put.json).toMatchObject({ subdomain: 'console', status: 'stopped' })
    const started = await admin.post('/admin/api/tunnel/start')
    expect(started.status).toBe(200)
    expect(started.json.public_url).toBe('https://console.example.com')
    await waitFor(async () => (await admin.get('/admin/api/tunnel')).json?.status === 'running')

    const audit = await admin.get('/admin/api/audit?action=tunnel.start')
    expect(audit.json.entries.length).toBeGreaterThan(0)
    await admin.post('/admin/api/tunnel/stop')
  })

  it('answers a bad token with 502 and the last error', async () => {
    await admin.put('/admin/api/tunnel', { api_token: 'not-the-token' })
    const res = await admin.post('/admin/api/tunnel/start')
    expect(res.status).toBe(502)
    expect(res.json).toMatchObject({ status: 'error' })
    expect(res.json.last_error).toContain('Authentication error')
    await admin.put('/admin/api/tunnel', { api_token: cf.token })
  })

  it('shows the status to tenants but lets only admins change it', async () => {
    const { client: tenant } = await createTenant(admin, 'tunnel-tenant')
    expect((await tenant.get('/admin/api/tunnel')).status).toBe(200)
    expect((await tenant.put('/admin/api/tunnel', { subdomain: 'x' })).status).toBe(403)
    expect((await tenant.post('/admin/api/tunnel/start')).status).toBe(403)
    expect((await tenant.post('/admin/api/tunnel/stop')).status).toBe(403)
    expect((await new AdminClient(qcc.url).get('/admin/api/tunnel')).status).toBe(401)
  })

  it('validates the config', async () => {
    const res = await admin.put('/admin/api/tunnel', { subdomain: 'not a name' })
    expect(res.status).toBe(400)
    expect(res.json.error).toContain('subdomain')
  })
})
