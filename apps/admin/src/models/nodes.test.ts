import { describe, expect, it, vi } from 'vitest'
import type { NodeView } from '../api/types'
import { fakeApi } from '../api/fake-api'
import { NodesModel } from './nodes'

const node = (id: string, weight: number, extra: Partial<NodeView> = {}): NodeView => ({
  id,
  account_id: 'a1',
  name: id,
  base_url: `https://${id}.example`,
  weight,
  status: 'healthy',
  failed: false,
  disabled: false,
  active: false,
  has_api_key: true,
  managed: false,
  api_key_hint: null,
  health_check_method: 'api',
  health_check_model: null,
  auth_header: 'x-api-key',
  extra_headers: {},
  models: null,
  model_map: null,
  error_rules: [],
  no_failover: false,
  strip_tool_fields: false,
  sticky_ttl_sec: null,
  last_error: null,
  fail_count: 0,
  cooling_until: null,
  last_failure_at: null,
  last_success_at: null,
  last_probe_at: null,
  requests: 0,
  errors: 0,
  input_tokens: 0,
  output_tokens: 0,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  ...extra,
})

describe('nodes model', () => {
  it('loads, sorts by weight and counts states', async () => {
    const { api } = fakeApi({
      'GET /admin/api/nodes': {
        nodes: [node('b', 2), node('a', 1, { status: 'failed', failed: true })],
      },
    })
    const m = new NodesModel(api)
    await m.load()
    expect(m.sorted.value.map((n) => n.id)).toEqual(['a', 'b'])
    expect(m.counts.value).toMatchObject({ total: 2, healthy: 1, failed: 1 })
    expect(m.loaded.value).toBe(true)
  })

  it('passes the account filter and keeps an error from a failed load', async () => {
    const { api, calls } = fakeApi({})
    const m = new NodesModel(api)
    m.accountId.value = '*'
    await m.load()
    expect(calls).toEqual(['GET /admin/api/nodes?account_id=*'])
    expect(m.error.value).toContain('no route')
  })

  it('reorders by rewriting weights 1..N, saving only the changed nodes', async () => {
    const { api, calls } = fakeApi({
      'GET /admin/api/nodes': { nodes: [node('a', 1), node('b', 2), node('c', 3)] },
      'PUT /admin/api/nodes?id=c': {},
      'PUT /admin/api/nodes?id=a': {},
      'PUT /admin/api/nodes?id=b': {},
    })
    const m = new NodesModel(api)
    await m.load()
    calls.length = 0
    await m.reorder('c', 0)
    expect(calls.slice(0, 3)).toEqual([
      'PUT /admin/api/nodes?id=c {"weight":1}',
      'PUT /admin/api/nodes?id=a {"weight":2}',
      'PUT /admin/api/nodes?id=b {"weight":3}',
    ])
  })

  it('patches a node from a live state event and appends health checks', async () => {
    const { api } = fakeApi({ 'GET /admin/api/nodes': { nodes: [node('a', 1)] } })
    const m = new NodesModel(api)
    await m.load()
    const touched = m.applyEvent('node.state', {
      node_id: 'a',
      account_id: 'a1',
      from: 'healthy',
      to: 'failed',
      reason: 'HTTP 500',
      at: '2026-01-01T00:00:00Z',
    })
    expect(touched).toBe(true)
    expect(m.nodes.value[0]?.status).toBe('failed')
    expect(m.nodes.value[0]?.last_error).toBe('HTTP 500')
    expect(m.applyEvent('node.state', { node_id: 'zzz', to: 'failed' })).toBe(false)
    m.applyEvent('health.check', { node_id: 'a', ok: false, latency_ms: 3, error: 'x', at: 'now' })
    expect(m.health.value.a).toHaveLength(1)
  })

  it('runs activate, enable and disable as POSTs with the id, then reloads', async () => {
    const { api, calls } = fakeApi({
      'GET /admin/api/nodes': { nodes: [node('a', 1)] },
      'POST /admin/api/nodes/activate': {},
    })
    const m = new NodesModel(api)
    await m.command('activate', 'a')
    expect(calls).toEqual(['POST /admin/api/nodes/activate {"id":"a"}', 'GET /admin/api/nodes'])
  })
})

describe('nodes model, live traffic', () => {
  it('refetches after a burst of request events, and once more if it went on', async () => {
    const timers: (() => void)[] = []
    const { api, calls } = fakeApi({ 'GET /admin/api/nodes': { nodes: [node('a', 1)] } })
    const m = new NodesModel(api, (fn: () => void) => timers.push(fn))
    m.applyEvent('request', { node_id: 'a' })
    expect(timers).toHaveLength(1)
    m.applyEvent('request', { node_id: 'a' })
    timers[0]?.()
    await Promise.resolve()
    expect(calls).toEqual(['GET /admin/api/nodes'])
    expect(timers).toHaveLength(2)
    timers[1]?.()
    await vi.waitFor(() => expect(calls).toHaveLength(2))
    m.applyEvent('request', { node_id: 'a' })
    expect(timers).toHaveLength(3)
  })
})
