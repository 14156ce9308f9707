import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminApp, type AdminApp } from '../../test/admin-app'
import { defineRoute, type RouteDoc } from './route-table'

/** The console's pages and assets (http/admin-assets.ts): registered, but no API. */
const CONSOLE_PAGES = ['GET /', 'GET /admin', 'GET /admin/*', 'GET /admin/assets/*', 'GET /login']

let admin: AdminApp
let cookie: string
let doc: { paths: Record<string, Record<string, unknown>> }

beforeAll(async () => {
  admin = await adminApp()
  cookie = await admin.login()
  doc = (await (await admin.request('GET', '/admin/api/openapi.json', cookie)).json()) as typeof doc
})
afterAll(() => admin.close())

describe('openapi.json', () => {
  it('lists every registered route, tunnel and notifications included, and nothing else', () => {
    const registered = admin.app.routes
      .filter((r) => r.method !== 'ALL') // middleware and the 404/405 fallback
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
      .filter((key) => !CONSOLE_PAGES.includes(key))
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(new Set(registered).size).toBe(registered.length)
    expect([...documented].sort()).toEqual([...registered].sort())
    for (const key of ['PUT /admin/api/tunnel', 'POST /admin/api/notifications/channels']) {
      expect(documented).toContain(key)
    }
  })

  it('describes every JSON answer but the acknowledgements and files listed here', () => {
    // Mutations answering a small acknowledgement (`{ ok }`, `{ deleted }`, the changed
    // record), the document itself and the settings.json download (a file, not an API
    // answer). A new JSON route without a `response` schema fails here.
    const undescribedOnPurpose = [
      'DELETE /admin/api/accounts',
      'PUT /admin/api/accounts',
      'PUT /admin/api/config',
      'POST /admin/api/keys/revoke',
      'POST /admin/api/me/password',
      'DELETE /admin/api/nodes',
      'PUT /admin/api/nodes',
      'POST /admin/api/nodes/activate',
      'POST /admin/api/nodes/disable',
      'POST /admin/api/nodes/enable',
      'DELETE /admin/api/notifications/channels',
      'DELETE /admin/api/notifications/subscriptions',
      'POST /admin/api/notifications/test',
      'GET /admin/api/openapi.json',
      'DELETE /admin/api/pricing',
      'DELETE /admin/api/shares',
      'GET /api/claude-config/download/{id}',
      'POST /logout',
    ]
    type Operation = { responses: Record<string, { content?: Record<string, object> }> }
    const undescribed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops as Record<string, Operation>)
        .filter(([, op]) =>
          Object.values(op.responses).some((r) => {
            const json = r.content?.['application/json']
            return json !== undefined && !('schema' in json)
          }),
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    )
    expect(undescribed.sort()).toEqual(undescribedOnPurpose.sort())
  })

  it('answers 405 with the methods the recorded routes allow, 404 for unknown paths', async () => {
    const wrong = await admin.request('DELETE', '/admin/api/tunnel', cookie)
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET, PUT')
    const unknown = await admin.request('GET', '/admin/api/notifications/nope', cookie)
    expect(unknown.status).toBe(404)
  })

  it('names each admin answer: the x-qcc-request-id header is the error body request_id', async () => {
    const res = await admin.request('GET', '/admin/api/no-such-route', cookie)
    const body = (await res.json()) as { request_id: string }
    expect(body).toEqual({ error: 'not found', code: 'not_found', request_id: expect.any(String) })
    expect(res.headers.get('x-qcc-request-id')).toBe(body.request_id)
    const ok = await admin.request('GET', '/admin/api/me', cookie)
    const next = ok.headers.get('x-qcc-request-id')
    expect(next).toMatch(/^req_qcc_/)
    expect(next).not.toBe(body.request_id)
    const anonymous = await admin.request('GET', '/admin/api/tunnel')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('cache-control')).toBe('no-store')
    expect(await anonymous.json()).toMatchObject({ code: 'not_logged_in' })
  })
})

describe('defineRoute', () => {
  it('refuses a route whose auth its group cannot give', () => {
    const docs: RouteDoc[] = []
    const app = new Hono()
    const group = { app, prefix: '', docs, access: { kind: 'public' } } as const
    const route = { summary: 'x', handler: () => new Response() }
    expect(() => defineRoute(group, 'GET /x', { ...route, auth: 'session' })).toThrow(/session/)
    defineRoute(group, 'GET /y/:id', { ...route, auth: 'public' })
    expect(docs).toEqual([expect.objectContaining({ method: 'get', path: '/y/{id}' })])
  })
})
