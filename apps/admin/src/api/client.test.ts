import { describe, expect, it } from 'vitest'
import { fakeApi } from './fake-api'
import { AdminApiError, createFetchHttp, expiringOn401 } from './http'

describe('admin API resources', () => {
  it('send each method to its route, with the query built from the arguments', async () => {
    const { api, calls } = fakeApi({
      'POST /admin/api/nodes?account_id=a1': { id: 'n1' },
      'PUT /admin/api/nodes?id=n1': {},
      'POST /admin/api/nodes/disable': {},
      'GET /admin/api/keys': { keys: [] },
      'DELETE /admin/api/pricing?model=claude+x%2F1': {},
    })
    await api.nodes.create({ base_url: 'https://up.example' }, 'a1')
    await api.nodes.update('n1', { weight: 2 })
    await api.nodes.command('disable', 'n1')
    expect(await api.keys.list(undefined)).toEqual([])
    await api.pricing.remove('claude x/1')
    expect(calls).toEqual([
      'POST /admin/api/nodes?account_id=a1 {"base_url":"https://up.example"}',
      'PUT /admin/api/nodes?id=n1 {"weight":2}',
      'POST /admin/api/nodes/disable {"id":"n1"}',
      'GET /admin/api/keys',
      'DELETE /admin/api/pricing?model=claude+x%2F1',
    ])
  })

  it('fill path parameters encoded and unwrap list answers', async () => {
    const view = { account_name: 'acme', updated_at: 'now', expires_at: null, nodes: [] }
    const { api } = fakeApi({
      'GET /api/monitor/share/a%2Fb': view,
      'GET /admin/api/usage/summary?from=f&group_by=model': {
        groups: [{ key: 'm', name: null, requests: 1 }],
      },
    })
    expect(await api.shares.view('a/b')).toEqual(view)
    const groups = await api.usage.groups({ from: 'f' }, 'model')
    expect(groups.map((g) => g.key)).toEqual(['m'])
  })
})

describe('admin API transport', () => {
  const answering =
    (status: number, body: unknown): typeof fetch =>
    async () =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      })

  it('turns an error answer into an AdminApiError with the server message', async () => {
    const http = createFetchHttp(answering(409, { error: 'name taken' }))
    const err: unknown = await http
      .send('POST', '/admin/api/accounts', { name: 'x' })
      .catch((e) => e)
    expect(err).toBeInstanceOf(AdminApiError)
    expect(err).toMatchObject({ status: 409, message: 'name taken' })
  })

  it('reports a 401 as an ended session and still fails the call', async () => {
    let expired = 0
    const http = expiringOn401(createFetchHttp(answering(401, { error: 'login' })), () => expired++)
    await expect(http.get('/admin/api/me')).rejects.toThrow('login')
    const forbidden = expiringOn401(createFetchHttp(answering(403, {})), () => expired++)
    await expect(forbidden.get('/admin/api/env')).rejects.toThrow('HTTP 403')
    expect(expired).toBe(1)
  })
})
