// Every request has a price, or says it has none, and bad model ids never leave the proxy
// (docs/contract.md §15): the real server in memory mode in front of the fake upstream, whose
// answers name the requested model; the admin API as an admin uses it.
import { computeCostUsd, findPrice, type ModelPrice } from '@qcc/core'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningQcc } from '../src/index'
import { createTenant, loggedIn, type AdminClient } from './admin-harness'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

let upstream: FakeUpstream
let qcc: RunningQcc
let admin: AdminClient
let accountId: string
let secret: string

beforeAll(async () => {
  upstream = await startFakeUpstream()
  qcc = await startTestQcc({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_API_KEY: 'sk-ant-pricing' })
  admin = await loggedIn(qcc, 'admin', 'admin123')
  const account = await qcc.store.getAccountByName('default')
  if (!account) throw new Error('no default account')
  accountId = account.id
  secret = (await qcc.store.createProxyKey({ accountId, name: 'pricing' })).secret
})
afterAll(async () => {
  await qcc?.close()
  await upstream?.close()
})

function post(body: unknown, key = secret, path = '/v1/messages') {
  return fetch(`${qcc.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** The usage row of one answered request (its body read here, unless it was already). */
async function row(res: Response) {
  if (!res.bodyUsed) await res.text()
  const id = res.headers.get('x-qcc-request-id') ?? ''
  await qcc.store.usageWriter.flush()
  const entry = await qcc.store.usageLog(id)
  if (!entry) throw new Error(`no usage row for ${id}`)
  return entry
}

const unpricedCount = async () => {
  const text = await (await fetch(`${qcc.url}/metrics`)).text()
  return Number(/^qcc_unpriced_requests_total (\d+)/m.exec(text)?.[1] ?? 'NaN')
}

const price = (model: string, input: number) => ({
  model,
  input_per_mtok: input,
  output_per_mtok: input * 5,
  cache_write_5m_per_mtok: input * 1.25,
  cache_write_1h_per_mtok: input * 2,
  cache_read_per_mtok: input / 10,
})

describe('pricing (docs/contract.md §15)', () => {
  it('prices a listed id by the table and an unknown id of a known family by its newest model', async () => {
    const listed = await row(await post(MESSAGE_BODY))
    expect(listed).toMatchObject({ model: 'claude-sonnet-4-6', pricedBy: 'table' })
    const family = await row(await post({ ...MESSAGE_BODY, model: 'claude-opus-4-1' }))
    const newestOpus = findPrice('claude-opus-5-5') as ModelPrice
    expect(family.pricedBy).toBe('family')
    expect(family.costUsd).toBeGreaterThan(0)
    expect(family.costUsd).toBeCloseTo(computeCostUsd(family, newestOpus), 9)
    const logs = await admin.get(`/admin/api/usage/logs?request_id=${family.requestId}`)
    expect(logs.json.logs[0]).toMatchObject({ model: 'claude-opus-4-1', priced_by: 'family' })
  })

  it('records an id without any price as none, counts it, lists it, and prices it by the * row once set', async () => {
    const before = await unpricedCount()
    const none = await row(await post({ ...MESSAGE_BODY, model: 'relay-own-model' }))
    expect(none).toMatchObject({ pricedBy: 'none', costUsd: 0 })
    expect(none.inputTokens).toBeGreaterThan(0)
    expect(await unpricedCount()).toBe(before + 1)
    let seen = await admin.get('/admin/api/pricing/unpriced')
    expect(seen.status).toBe(200)
    expect(seen.json.models).toContainEqual({
      model: 'relay-own-model',
      requests: 1,
      last_seen_at: none.at.toISOString(),
      priced_by: 'none',
    })
    // Admins only: model ids of every tenant are on it.
    const tenant = await createTenant(admin, 'pricing-tenant')
    expect((await tenant.client.get('/admin/api/pricing/unpriced')).status).toBe(403)
    // The family-priced id of the test before is listed too: it has no price of its own.
    expect(seen.json.models.map((m: { model: string }) => m.model)).toContain('claude-opus-4-1')

    expect((await admin.put('/admin/api/pricing', price('*', 3))).status).toBe(200)
    const byDefault = await row(await post({ ...MESSAGE_BODY, model: 'relay-own-model' }))
    expect(byDefault.pricedBy).toBe('default')
    expect(byDefault.costUsd).toBeCloseTo(
      computeCostUsd(byDefault, {
        inputPerMTok: 3,
        outputPerMTok: 15,
        cacheWrite5mPerMTok: 3.75,
        cacheWrite1hPerMTok: 6,
        cacheReadPerMTok: 0.3,
      }),
      9,
    )
    expect(await unpricedCount()).toBe(before + 1)
    seen = await admin.get('/admin/api/pricing/unpriced')
    expect(seen.json.models).toContainEqual(
      expect.objectContaining({ model: 'relay-own-model', requests: 2, priced_by: 'default' }),
    )
    // Given a price of its own, the id leaves the list.
    expect((await admin.put('/admin/api/pricing', price('relay-own-model', 1))).status).toBe(200)
    seen = await admin.get('/admin/api/pricing/unpriced')
    expect(seen.json.models.map((m: { model: string }) => m.model)).not.toContain('relay-own-model')
    expect((await admin.del('/admin/api/pricing?model=*')).status).toBe(200)
    expect((await admin.del('/admin/api/pricing?model=relay-own-model')).status).toBe(200)
  })

  it('refuses an unpriced id for a key with a cost limit, never for free, and lets it through with a * row', async () => {
    const limited = await qcc.store.createProxyKey({
      accountId,
      name: 'cost-capped',
      limits: { cost_daily_usd: 5 },
    })
    await qcc.refresh()
    const hits = upstream.requests.length
    const res = await post({ ...MESSAGE_BODY, model: 'relay-unpriced-x' }, limited.secret)
    expect(res.status).toBe(429)
    expect(res.headers.get('x-should-retry')).toBe('false')
    expect(res.headers.get('retry-after')).toBeNull()
    const body = (await res.json()) as { error: { type: string; message: string } }
    expect(body.error).toEqual({
      type: 'rate_limit_error',
      message:
        'key cost_daily_usd limit: model relay-unpriced-x has no price, so its spend cannot be counted',
    })
    expect(upstream.requests.length).toBe(hits)
    const refused = await row(res)
    expect(refused).toMatchObject({ refused: 'key.cost_daily_usd', pricedBy: 'none' })
    // A priced model passes the same key, and a key without a cost limit passes the unpriced one.
    expect((await post(MESSAGE_BODY, limited.secret)).status).toBe(200)
    expect((await post({ ...MESSAGE_BODY, model: 'relay-unpriced-x' })).status).toBe(200)
    // With a default row the request is priced, so it counts against the cap and passes.
    expect((await admin.put('/admin/api/pricing', price('*', 2))).status).toBe(200)
    const priced = await post({ ...MESSAGE_BODY, model: 'relay-unpriced-x' }, limited.secret)
    expect(priced.status).toBe(200)
    expect((await row(priced)).pricedBy).toBe('default')
    expect((await admin.del('/admin/api/pricing?model=*')).status).toBe(200)
  })
})

describe('model ids (docs/contract.md §15)', () => {
  const BAD: Array<[string, string]> = [
    ['300 characters', JSON.stringify({ ...MESSAGE_BODY, model: 'x'.repeat(300) })],
    ['a control character', JSON.stringify({ ...MESSAGE_BODY, model: 'claude\u0007sonnet' })],
    ['a lone surrogate', JSON.stringify(MESSAGE_BODY).replace('claude-sonnet-4-6', '\\ud800x')],
    ['a bidi override', JSON.stringify({ ...MESSAGE_BODY, model: 'claude\u202e' })],
    ['an empty string', JSON.stringify({ ...MESSAGE_BODY, model: '' })],
    ['a number', JSON.stringify({ ...MESSAGE_BODY, model: 42 })],
    ['no model', JSON.stringify({ max_tokens: 10, messages: MESSAGE_BODY.messages })],
    // Past the full-parse size the fields are sliced out of the scanned body: checked the same.
    [
      'a control character in a large body',
      JSON.stringify({
        model: 'claude\u0000',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'y'.repeat(100_000) }],
      }),
    ],
  ]

  it.each(BAD)(
    'answers 400 for %s on messages and count_tokens, never forwarded or stored',
    async (_, body) => {
      const hits = upstream.requests.length
      for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
        const res = await post(body, secret, path)
        expect(res.status).toBe(400)
        expect(await res.json()).toEqual({
          type: 'error',
          error: {
            type: 'invalid_request_error',
            message: 'model must be a string of 1 to 256 printable characters',
          },
        })
        await qcc.store.usageWriter.flush()
        expect(await qcc.store.usageLog(res.headers.get('x-qcc-request-id') ?? '')).toBeNull()
      }
      expect(upstream.requests.length).toBe(hits)
    },
  )

  it('takes 256 characters and ids a spreadsheet would read as a formula, stored as given', async () => {
    const long = await row(await post({ ...MESSAGE_BODY, model: `claude-${'z'.repeat(249)}` }))
    expect(long.model).toHaveLength(256)
    const formula = '=HYPERLINK("http://evil","click")'
    expect((await row(await post({ ...MESSAGE_BODY, model: formula }))).model).toBe(formula)
  })

  it('refuses, in the admin API, a price for an id the data path refuses', async () => {
    const bad = await admin.put('/admin/api/pricing', price('bad\u0000id', 1))
    expect(bad.status).toBe(400)
    expect(bad.json.error).toEqual(expect.any(String))
    expect((await admin.put('/admin/api/pricing', price('x'.repeat(257), 1))).status).toBe(400)
  })
})
