/**
 * docs/contract.md §13 end to end, what a node receives: auth_header, extra_headers (probes
 * too), model_map (bytes otherwise untouched, usage and cost), strip_tool_fields.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { computeCostUsd } from '@qcc/core'
import {
  messagesOf,
  startPolicyPool,
  TENANT_KEY,
  upOf,
  usageOf,
  type PolicyPool,
  POLICY_BODY as BODY,
} from './policy-pool'
import { pollUntil } from './wait'

let pool: PolicyPool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})

describe('auth_header and extra_headers', () => {
  it.each([
    ['x-api-key', { 'x-api-key': 'sk-n' }, ['authorization']],
    ['bearer', { authorization: 'Bearer sk-n' }, ['x-api-key']],
    ['both', { 'x-api-key': 'sk-n', authorization: 'Bearer sk-n' }, []],
  ] as const)('auth_header %s sends exactly the node key there', async (mode, sent, absent) => {
    pool = await startPolicyPool([{ name: 'n', apiKey: 'sk-n', authHeader: mode }])
    // The tenant authenticates both ways; neither form of its key may leave.
    const auths: Array<Record<string, string>> = [
      { 'x-api-key': TENANT_KEY },
      { authorization: `Bearer ${TENANT_KEY}` },
    ]
    for (const auth of auths) {
      const res = await fetch(`${pool.qcc.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify(BODY),
      })
      expect(res.status).toBe(200)
    }
    const got = messagesOf(upOf(pool, 'n'))
    expect(got).toHaveLength(2)
    for (const r of got) {
      expect(r.headers).toMatchObject(sent)
      for (const name of absent) expect(r.headers[name]).toBeUndefined()
      expect(JSON.stringify(r.headers)).not.toContain(TENANT_KEY)
    }
  })

  it('sends the extra headers with every call, and keeps the client headers', async () => {
    pool = await startPolicyPool([
      { name: 'n', extraHeaders: { 'x-relay-token': 'relay-secret-1', 'x-relay-group': 'g7' } },
    ])
    const res = await pool.post(BODY, { 'anthropic-beta': 'tools-2024', 'x-custom': 'kept' })
    expect(res.status).toBe(200)
    const [r] = messagesOf(upOf(pool, 'n'))
    expect(r?.headers).toMatchObject({
      'x-relay-token': 'relay-secret-1',
      'x-relay-group': 'g7',
      'anthropic-beta': 'tools-2024',
      'x-custom': 'kept',
      'x-api-key': 'sk-n',
    })
  })

  it('an extra header replaces a client header of the same name, whatever its case', async () => {
    pool = await startPolicyPool([{ name: 'n', extraHeaders: { 'X-Relay-Token': 'node-value' } }])
    await (await pool.post(BODY, { 'x-relay-token': 'client-value' })).text()
    expect(messagesOf(upOf(pool, 'n'))[0]?.headers['x-relay-token']).toBe('node-value')
  })

  it('a probe uses the auth mode, the extra headers and model_map', async () => {
    pool = await startPolicyPool(
      [
        {
          name: 'n',
          authHeader: 'bearer',
          extraHeaders: { 'x-relay-token': 'probe-secret' },
          healthCheckMethod: 'api',
          healthCheckModel: 'claude-probe-1',
          modelMap: { 'claude-probe-*': 'relay-probe' },
        },
      ],
      { PROXY_HEALTH_SWEEP_SEC: '1' },
    )
    const upstream = upOf(pool, 'n')
    const probe = await pollUntil(
      'a probe',
      () => messagesOf(upstream).find((r) => (r.json as { max_tokens?: number }).max_tokens === 1),
      { timeoutMs: 8000, intervalMs: 50 },
    )
    expect(probe.headers).toMatchObject({
      authorization: 'Bearer sk-n',
      'x-relay-token': 'probe-secret',
    })
    expect(probe.headers['x-api-key']).toBeUndefined()
    expect((probe.json as { model: string }).model).toBe('relay-probe')
    // The stored check is ok and names neither the key nor the header value.
    const nodeId = pool.nodes.n?.id
    const records = await pollUntil('a stored ok probe', async () => {
      const list = await pool?.qcc.store.listHealthChecks({ nodeId })
      return list?.some((c) => c.ok) ? list : undefined
    })
    expect(JSON.stringify(records)).not.toMatch(/probe-secret|sk-n\b/)
  })
})

/** A raw body whose `model` is `model`, odd spacing and escapes kept; `filler` pads it. */
const rawBody = (model: string, filler = '') =>
  `{ "model" :"${model}",\n  "max_tokens":64, "metadata":{"note":"caf\\u00e9 ${model}"},` +
  `"messages":[{"role":"user","content":"say ${model} \\"quoted\\" ${filler}"}] }`

describe('model_map', () => {
  const MAP = { 'claude-sonnet-*': 'relay-sonnet', 'exact-model': 'relay-exact' }

  it('rewrites only the model value; every other byte is the client’s', async () => {
    pool = await startPolicyPool([{ name: 'n', modelMap: MAP }])
    for (const [model, mapped] of [
      ['claude-sonnet-4-5', 'relay-sonnet'],
      ['exact-model', 'relay-exact'],
    ] as const) {
      upOf(pool, 'n').reset()
      const res = await pool.post(rawBody(model))
      expect(res.status).toBe(200)
      const [r] = messagesOf(upOf(pool, 'n'))
      const expected = rawBody(model).replace(`"model" :"${model}"`, `"model" :"${mapped}"`)
      expect(r?.body).toBe(expected)
    }
  })

  it('rewrites the top-level model only, not a nested "model" key or text', async () => {
    pool = await startPolicyPool([{ name: 'n', modelMap: MAP }])
    const nested =
      '{"system":"pick \\"model\\":\\"claude-sonnet-4-5\\"","tools":[{"name":"t",' +
      '"input_schema":{"type":"object","properties":{"model":{"type":"string","default":"claude-sonnet-4-5"}}}}],' +
      '"metadata":{"model":"claude-sonnet-4-5"},"max_tokens":9,' +
      '"messages":[{"role":"user","content":"hi"}],"model":"claude-sonnet-4-5"}'
    expect((JSON.parse(nested) as { model: string }).model).toBe('claude-sonnet-4-5')
    await (await pool.post(nested)).text()
    const expected = nested.replace(/"model":"claude-sonnet-4-5"}$/, '"model":"relay-sonnet"}')
    expect(messagesOf(upOf(pool, 'n'))[0]?.body).toBe(expected)
  })

  it('with strip_tool_fields too: the model mapped and the tools cleaned', async () => {
    pool = await startPolicyPool([{ name: 'n', modelMap: MAP, stripToolFields: true }])
    const tools = [
      { name: 't', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } },
    ]
    await (await pool.post({ ...BODY, model: 'claude-sonnet-4-5', tools })).text()
    const sent = messagesOf(upOf(pool, 'n'))[0]?.json as { model: string; tools: unknown }
    expect(sent.model).toBe('relay-sonnet')
    expect(sent.tools).toEqual([{ name: 't', input_schema: { type: 'object' } }])
  })

  it('forwards the exact bytes when no map or no entry covers the model, also ~200 KB', async () => {
    pool = await startPolicyPool([
      { name: 'mapped', modelMap: MAP, models: ['claude-opus-*', 'claude-sonnet-*'] },
      { name: 'plain', weight: 2, models: ['plain-*'] },
    ])
    const big = 'x'.repeat(200_000)
    for (const [model, node] of [
      ['claude-opus-4-1', 'mapped'],
      ['plain-model', 'plain'],
    ] as const) {
      for (const text of [rawBody(model), rawBody(model, big)]) {
        upOf(pool, node).reset()
        const res = await pool.post(text)
        expect(res.status).toBe(200)
        expect(res.headers.get('x-qcc-node')).toBe(node)
        expect(messagesOf(upOf(pool, node))[0]?.body).toBe(text)
      }
    }
    // A mapped ~200 KB body: only the model value changed.
    upOf(pool, 'mapped').reset()
    await (await pool.post(rawBody('claude-sonnet-4-5', big))).text()
    expect(messagesOf(upOf(pool, 'mapped'))[0]?.body).toBe(
      rawBody('claude-sonnet-4-5', big).replace(
        '"model" :"claude-sonnet-4-5"',
        '"model" :"relay-sonnet"',
      ),
    )
  })

  it('maps for its node only: after a failover the next node gets the client’s model', async () => {
    pool = await startPolicyPool([
      { name: 'a', weight: 1, modelMap: MAP },
      { name: 'b', weight: 2 },
    ])
    upOf(pool, 'a').enqueue({ kind: 'status', status: 500 })
    const res = await pool.post(rawBody('claude-sonnet-4-5'))
    expect(res.headers.get('x-qcc-node')).toBe('b')
    expect((messagesOf(upOf(pool, 'a'))[0]?.json as { model: string }).model).toBe('relay-sonnet')
    expect(messagesOf(upOf(pool, 'b'))[0]?.body).toBe(rawBody('claude-sonnet-4-5'))
  })

  it('records upstream_model and prices by the upstream model when it has a price', async () => {
    const price = (model: string, rate: number) => ({
      model,
      inputPerMTok: rate,
      outputPerMTok: rate * 5,
      cacheWrite5mPerMTok: rate * 1.25,
      cacheWrite1hPerMTok: rate * 2,
      cacheReadPerMTok: rate / 10,
    })
    const REQUESTED = price('policy-requested', 1)
    const UPSTREAM = price('policy-upstream', 40)
    pool = await startPolicyPool(
      [
        {
          name: 'n',
          modelMap: { 'policy-requested': 'policy-upstream', 'policy-other': 'unpriced-relay' },
        },
      ],
      {},
      async (qcc) => {
        await qcc.store.upsertPrice(REQUESTED)
        await qcc.store.upsertPrice(UPSTREAM)
        await qcc.store.upsertPrice({ ...price('policy-other', 3) })
      },
    )
    await (await pool.post({ ...BODY, model: 'policy-requested' })).text()
    await (await pool.post({ ...BODY, model: 'policy-other', stream: true })).text()
    await (await pool.post({ ...BODY, model: 'claude-sonnet-4-6' })).text()
    const [plain, other, mapped] = await usageOf(pool)
    if (!mapped || !other) throw new Error('usage events missing')
    expect(mapped).toMatchObject({ model: 'policy-requested', upstreamModel: 'policy-upstream' })
    expect(mapped?.inputTokens).toBe(25)
    expect(mapped?.costUsd).toBeCloseTo(computeCostUsd(mapped, UPSTREAM), 9)
    expect(mapped?.costUsd).toBeGreaterThan(computeCostUsd(mapped, REQUESTED) * 10)
    // No price for the upstream id: the requested model's.
    expect(other).toMatchObject({ model: 'policy-other', upstreamModel: 'unpriced-relay' })
    expect(other?.costUsd).toBeGreaterThan(0)
    expect(other?.costUsd).toBeCloseTo(computeCostUsd(other, price('policy-other', 3)), 9)
    expect(plain?.model).toBe('claude-sonnet-4-6')
    expect(plain?.upstreamModel ?? null).toBeNull()
  })
})

describe('strip_tool_fields', () => {
  const TOOLS = [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      input_schema: { type: 'object', properties: { city: { type: 'string' } } },
      cache_control: { type: 'ephemeral' },
      type: 'custom',
      input_examples: [{ city: 'Paris' }],
    },
    { name: 'noop', input_schema: { type: 'object' }, strict: true, defer_loading: true },
  ]
  const MESSAGES = [
    {
      role: 'user',
      content: [{ type: 'text', text: 'weather?', cache_control: { type: 'ephemeral' } }],
    },
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'tu_1', name: 'get_weather', input: { city: 'Paris' } }],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: 'sunny' }] },
  ]
  const body = { ...BODY, tools: TOOLS, messages: MESSAGES, tool_choice: { type: 'auto' } }

  it('cleans tools to name/description/input_schema and leaves the rest untouched', async () => {
    pool = await startPolicyPool([{ name: 'n', stripToolFields: true }])
    expect((await pool.post(body)).status).toBe(200)
    const sent = messagesOf(upOf(pool, 'n'))[0]?.json as Record<string, unknown>
    expect(sent.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather for a city',
        input_schema: TOOLS[0]?.input_schema,
      },
      { name: 'noop', input_schema: { type: 'object' } },
    ])
    expect(sent.messages).toEqual(MESSAGES)
    expect({ ...sent, tools: undefined }).toEqual({ ...body, tools: undefined })
  })

  it('sends the client’s bytes when it is off', async () => {
    pool = await startPolicyPool([{ name: 'n' }])
    const text = JSON.stringify(body, null, 1)
    await (await pool.post(text)).text()
    expect(messagesOf(upOf(pool, 'n'))[0]?.body).toBe(text)
  })
})
