import { describe, expect, it } from 'vitest'
import type { NodeConfig } from '@qcc/core'
import { bodyForNode } from './body-rewrite'

const node = (extra: Partial<NodeConfig> = {}): NodeConfig => ({
  id: 'n1',
  accountId: 'acme',
  name: 'relay',
  baseUrl: 'https://relay.example',
  weight: 1,
  disabled: false,
  healthCheckMethod: 'api',
  ...extra,
})

const tools = [
  {
    name: 'Bash',
    description: 'run',
    input_schema: { type: 'object' },
    cache_control: { type: 'ephemeral' },
    type: 'custom',
  },
  { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
]
const raw = (model: string) =>
  Buffer.from(
    `{ "model" : "${model}", "max_tokens": 5,\n "messages":[{"role":"user","content":"hi \\"model\\": x"}],` +
      `"tools": ${JSON.stringify(tools)}, "stream": true }`,
  )

describe('bodyForNode (docs/contract.md §13)', () => {
  it('passes the very same bytes when no map or tool cleaning applies', () => {
    const body = raw('claude-sonnet-4-5')
    expect(bodyForNode(body, 'claude-sonnet-4-5', node()).body).toBe(body)
    // A map that does not cover the model changes nothing either.
    const other = node({ modelMap: { 'claude-opus-*': 'relay-opus' } })
    expect(bodyForNode(body, 'claude-sonnet-4-5', other)).toEqual({
      body,
      upstreamModel: undefined,
    })
  })
  it('rewrites only the model value, every other byte as sent', () => {
    const body = raw('claude-sonnet-4-5')
    const out = bodyForNode(
      body,
      'claude-sonnet-4-5',
      node({ modelMap: { 'claude-*': 'glm-4.6' } }),
    )
    expect(out.upstreamModel).toBe('glm-4.6')
    expect(out.body?.toString()).toBe(raw('glm-4.6').toString().replace('" : "glm', '" :"glm'))
    expect(JSON.parse(String(out.body))).toEqual({
      ...JSON.parse(String(body)),
      model: 'glm-4.6',
    })
  })
  it('strips custom tools to name, description and input_schema; server tools stay', () => {
    const body = raw('m')
    const out = bodyForNode(body, 'm', node({ stripToolFields: true }))
    expect(out.upstreamModel).toBeUndefined()
    const sent = JSON.parse(String(out.body)) as { tools: unknown[]; messages: unknown }
    expect(sent.tools).toEqual([
      { name: 'Bash', description: 'run', input_schema: { type: 'object' } },
      tools[1],
    ])
    expect(sent.messages).toEqual(JSON.parse(String(body)).messages)
    // Already clean: the bytes are the client's.
    const clean = Buffer.from('{"model":"m","tools":[{"name":"a","input_schema":{}}]}')
    expect(bodyForNode(clean, 'm', node({ stripToolFields: true })).body).toBe(clean)
  })
  it('does both at once, and leaves an unreadable body alone', () => {
    const out = bodyForNode(
      raw('a'),
      'a',
      node({ stripToolFields: true, modelMap: { a: 'b"quoted' } }),
    )
    const sent = JSON.parse(String(out.body)) as { model: string; tools: unknown[] }
    expect(sent.model).toBe('b"quoted')
    expect(sent.tools[0]).not.toHaveProperty('cache_control')
    const broken = Buffer.from('{"model":"a",')
    expect(bodyForNode(broken, 'a', node({ modelMap: { a: 'b' } })).body).toBe(broken)
  })
})
