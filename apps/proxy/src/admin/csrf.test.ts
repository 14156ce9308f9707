import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../observability/logger'
import { csrfGuard, type CsrfOptions } from './csrf'
import { renderAdminError } from './errors'
import { TrustedProxies } from './request-meta'

/** A guarded app whose every route answers 200 once the guard lets the request through. */
function guarded(options: Partial<CsrfOptions> = {}) {
  const app = new Hono()
  app.use('*', csrfGuard({ trusted: new TrustedProxies([]), ...options }))
  app.all('*', (c) => c.json({ passed: true }))
  app.onError((err, c) => renderAdminError(err, c, createLogger('silent')))
  // As over a socket: a body comes with its length (app.request alone sends none).
  return (method: string, headers: Record<string, string> = {}, body?: string) =>
    app.request('http://qcc.example:8080/x', {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-length': `${body.length}` },
      body,
    })
}

const json = { 'content-type': 'application/json' }

describe('csrfGuard', () => {
  it('lets reads through whatever their origin', async () => {
    const send = guarded()
    const res = await send('GET', {
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    })
    expect(res.status).toBe(200)
  })

  it('refuses a cross-site state change, by Sec-Fetch-Site or by Origin', async () => {
    const send = guarded()
    const bySite = await send('POST', { ...json, 'sec-fetch-site': 'cross-site' }, '{}')
    expect(bySite.status).toBe(403)
    expect(await bySite.json()).toMatchObject({
      code: 'forbidden',
      error: expect.stringContaining('cross-site'),
    })
    for (const origin of ['https://evil.example', 'http://qcc.example:9090', 'not a url']) {
      const res = await send('DELETE', { ...json, origin })
      expect(res.status, origin).toBe(403)
      expect(await res.json(), origin).toMatchObject({ error: 'cross-origin request refused' })
    }
  })

  it('accepts a same-origin state change', async () => {
    const send = guarded()
    const res = await send('PUT', { ...json, origin: 'http://qcc.example:8080' }, '{"a":1}')
    expect(res.status).toBe(200)
  })

  it('takes JSON bodies only, unless a form type or any body is allowed', async () => {
    const plain = { 'content-type': 'text/plain' }
    const res = await guarded()('POST', plain, 'a=1')
    expect(res.status).toBe(415)
    expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' })
    // No body, no type needed.
    expect((await guarded()('POST')).status).toBe(200)
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    expect((await guarded()('POST', form, 'a=1')).status).toBe(415)
    expect((await guarded({ formTypes: [form['content-type']] })('POST', form, 'a=1')).status).toBe(
      200,
    )
    expect((await guarded({ anyBody: (path) => path === '/x' })('POST', plain, 'a=1')).status).toBe(
      200,
    )
  })
})
