import { afterEach, describe, expect, it } from 'vitest'
import { serve } from '../../test/data-path-fakes'
import { sendModel, sendModelsList } from './models-list'

let stop: (() => Promise<void>) | undefined
afterEach(async () => {
  await stop?.()
  stop = undefined
})

const IDS = ['m1', 'm2', 'm3', 'm4', 'm5']

async function list(query: string) {
  const server = await serve((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname.startsWith('/v1/models/')) {
      return sendModel(res, url.pathname.slice(11), { 'x-qcc-request-id': 'r1' })
    }
    sendModelsList(res, IDS, url.searchParams, { 'x-qcc-request-id': 'r1' })
  })
  stop = server.close
  const res = await fetch(`${server.url}/v1/models${query}`)
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, res }
}

describe("the proxy's own model list (docs/contract.md §13)", () => {
  it("answers in Anthropic's list shape, paged by limit, after_id and before_id", async () => {
    const all = await list('')
    expect(all.status).toBe(200)
    expect(all.res.headers.get('x-qcc-request-id')).toBe('r1')
    expect(all.body).toEqual({
      data: IDS.map((id) => ({
        type: 'model',
        id,
        display_name: id,
        created_at: '1970-01-01T00:00:00Z',
      })),
      has_more: false,
      first_id: 'm1',
      last_id: 'm5',
    })
    const first = await list('?limit=2')
    expect(first.body).toMatchObject({ has_more: true, first_id: 'm1', last_id: 'm2' })
    const next = await list('?limit=2&after_id=m2')
    expect(next.body).toMatchObject({ has_more: true, first_id: 'm3', last_id: 'm4' })
    const back = await list('?limit=2&before_id=m5')
    expect(back.body).toMatchObject({ has_more: true, first_id: 'm3', last_id: 'm4' })
    const start = await list('?limit=2&before_id=m3')
    expect(start.body).toMatchObject({ has_more: false, first_id: 'm1', last_id: 'm2' })
  })
  it('refuses a bad limit in the API error shape, and answers one model', async () => {
    const bad = await list('?limit=0')
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } })
    const one = await list('/m3')
    expect(one.body).toMatchObject({ type: 'model', id: 'm3' })
  })
})
