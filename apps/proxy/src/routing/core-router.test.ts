import { describe, expect, it } from 'vitest'
import { AttemptPlanner, NodeHealthMachine, type TransitionEvent } from '@qcc/core'
import type { NodeRecord } from '@qcc/store'
import { accountRecord, nodeRecord as record } from '../../test/records'
import { toNodeConfig } from '../health/store-records'
import { createCoreRouter } from './core-router'
import type { RequestPlan, RouteTarget } from './types'

/** The router over core's real planner and health machine, with a fake clock and directory. */
function routerOn(
  nodes: NodeRecord[],
  options: { activeNodeId?: string; allowPrivateUpstreams?: boolean; unreadable?: string } = {},
) {
  let now = 1_000_000
  const clock = { now: () => now }
  const health = new NodeHealthMachine({ clock, failThreshold: 3 })
  for (const node of nodes) health.upsert(toNodeConfig(node))
  const planner = new AttemptPlanner({
    health,
    clock,
    random: () => 0,
    retryMax: 3,
    requestTimeoutMs: 10_000,
  })
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const transitions: TransitionEvent[] = []
  const metrics = { results: [] as string[], failovers: 0 }
  const router = createCoreRouter({
    directory: {
      account: () => accountRecord({ activeNodeId: options.activeNodeId ?? null }),
      node: (id) => byId.get(id),
      apiKeyNow: (id) => {
        if (id === options.unreadable) throw new Error('database down')
        return `sk-ant-key-of-${id}`
      },
      extraHeadersNow: (id) => ({ 'x-relay-of': id }),
    },
    planner,
    onTransition: (event) => transitions.push(event),
    metrics: {
      attempt: (_node, result) => void metrics.results.push(result),
      failover: () => void metrics.failovers++,
    },
    allowPrivateUpstreams: options.allowPrivateUpstreams ?? false,
  })
  const plan = (model?: string, trace?: boolean) =>
    router.plan({ accountId: 'acme', requestId: 'r1', headers: {}, body: {}, model, trace })
  return { plan, transitions, metrics, advance: (ms: number) => (now += ms) }
}

/** The plan's next target, which the test expects to exist. */
function nextOf(plan: RequestPlan): RouteTarget {
  const next = plan.next()
  if (!next) throw new Error('expected a target')
  return next
}

describe('createCoreRouter', () => {
  it("hands out core's picks with each node's key and address rule", () => {
    const r = routerOn([
      record('alpha'),
      record('beta', { weight: 2, hasApiKey: false, allowPrivate: true }),
    ])
    const plan = r.plan()
    const first = nextOf(plan)
    expect(first).toMatchObject({
      nodeId: 'id-alpha',
      name: 'alpha',
      baseUrl: 'https://alpha.example',
      apiKey: 'sk-ant-key-of-id-alpha',
      allowPrivate: false,
      lastResort: false,
    })
    expect(first.attempt.node.id).toBe('id-alpha')
    plan.report(first, { kind: 'response', status: 500 })
    expect(plan.next()).toMatchObject({ nodeId: 'id-beta', apiKey: null, allowPrivate: true })
    expect(r.metrics).toEqual({ results: ['failed'], failovers: 1 })
    plan.done()
  })

  it("hands out a node's auth mode and extra headers, and only nodes that serve the model", () => {
    const r = routerOn([
      record('alpha', { models: ['claude-opus-*'] }),
      record('beta', {
        weight: 2,
        authHeader: 'bearer',
        extraHeaderNames: ['x-relay-of'],
        models: ['claude-haiku-*'],
        modelMap: { 'claude-haiku-4-5': 'glm-4.6' },
      }),
    ])
    const plan = r.plan('claude-haiku-4-5')
    const only = nextOf(plan)
    expect(only).toMatchObject({
      nodeId: 'id-beta',
      authHeader: 'bearer',
      extraHeaders: { 'x-relay-of': 'id-beta' },
    })
    expect(only.attempt.node.modelMap).toEqual({ 'claude-haiku-4-5': 'glm-4.6' })
    plan.report(only, { kind: 'response', status: 500 })
    expect(plan.next()).toBeUndefined()
    plan.done()
    const opus = r.plan('claude-opus-4-1')
    expect(nextOf(opus)).toMatchObject({
      nodeId: 'id-alpha',
      authHeader: undefined,
      extraHeaders: null,
    })
    opus.done()
    const none = r.plan('gpt-5')
    expect(none.next()).toBeUndefined()
    expect(none.finalError()).toMatchObject({ status: 404, errorType: 'not_found_error' })
    none.done()
  })

  it("prefers the account's activated node and lets PROXY_ALLOW_PRIVATE_UPSTREAMS open every node", () => {
    const r = routerOn([record('alpha'), record('beta', { weight: 5 })], {
      activeNodeId: 'id-beta',
      allowPrivateUpstreams: true,
    })
    expect(r.plan().next()).toMatchObject({ nodeId: 'id-beta', allowPrivate: true })
  })

  it('applies what core makes of an outcome: a 401 fails the node, a 400 is passed through', () => {
    const r = routerOn([record('alpha'), record('beta')])
    const plan = r.plan()
    const first = nextOf(plan)
    expect(plan.report(first, { kind: 'response', status: 401 })).toEqual({
      commit: false,
      passThrough: false,
    })
    expect(r.transitions).toMatchObject([{ nodeId: first.nodeId, from: 'healthy', to: 'failed' }])
    const second = nextOf(plan)
    const tenantFault = { kind: 'response', status: 400, bodySnippet: '{}' } as const
    expect(plan.report(second, tenantFault)).toEqual({ commit: false, passThrough: true })
    expect(plan.next()).toBeUndefined()
  })

  it("gives core's deadline and final error", () => {
    const r = routerOn([record('alpha')])
    const plan = r.plan()
    expect(plan.remainingMs()).toBe(10_000)
    r.advance(4000)
    expect(plan.remainingMs()).toBe(6000)
    plan.report(nextOf(plan), { kind: 'connect_error', code: 'ECONNREFUSED' })
    expect(plan.next()).toBeUndefined()
    expect(plan.finalError()).toMatchObject({ status: 502, errorType: 'api_error' })
  })

  it('fails the attempt with the error of a key that could not be read', () => {
    const r = routerOn([record('alpha')], { unreadable: 'id-alpha' })
    expect(() => r.plan().next()).toThrow('database down')
  })

  it('keeps the trace of docs/contract.md §12.1: order, who picked, outcome, redacted error, times', () => {
    const r = routerOn([record('alpha'), record('beta', { weight: 2 })])
    const plan = r.plan()
    const first = nextOf(plan)
    const secret = 'sk-ant-key-of-id-alpha'
    plan.report(
      first,
      {
        kind: 'response',
        status: 529,
        bodySnippet: `{"type":"error","error":{"type":"overloaded_error","message":"busy ${secret}"}}`,
      },
      { sentAt: 1000, answeredAt: 1040, endedAt: 1041 },
    )
    const second = nextOf(plan)
    plan.report(
      second,
      { kind: 'first_event', status: 200, eventType: 'message_start' },
      { sentAt: 1050, answeredAt: 1100, endedAt: 1100 },
    )
    // The committed stream is cut later: its head stays, its end and outcome change.
    plan.report(second, { kind: 'after_commit_failure', cause: 'reset' })
    plan.settle(second, 1500, false)
    expect(plan.trace).toEqual([
      {
        nodeId: 'id-alpha',
        nodeName: 'alpha',
        pickedBy: 'tier',
        startedAt: 1000,
        status: 529,
        outcome: 'overloaded',
        errorType: 'overloaded_error',
        errorMessage: 'busy [redacted]',
        ttfbMs: 40,
        durationMs: 41,
      },
      {
        nodeId: 'id-beta',
        nodeName: 'beta',
        pickedBy: 'tier',
        startedAt: 1050,
        status: 200,
        outcome: 'midstream',
        errorType: null,
        errorMessage: 'reset',
        ttfbMs: 50,
        durationMs: 450,
      },
    ])
    plan.done()
  })

  it('marks a committed attempt whose client left as client_error, and keeps no trace when off', () => {
    const r = routerOn([record('alpha')], { activeNodeId: 'id-alpha' })
    const plan = r.plan()
    const only = nextOf(plan)
    plan.report(
      only,
      { kind: 'response', status: 200, bodySnippet: '{"type":"message"}' },
      { sentAt: 10, answeredAt: 20, endedAt: 20 },
    )
    plan.settle(only, 70, true)
    expect(plan.trace).toMatchObject([
      {
        pickedBy: 'activated',
        outcome: 'client_error',
        errorMessage: 'client disconnected',
        ttfbMs: 10,
        durationMs: 60,
      },
    ])
    plan.done()
    const off = r.plan(undefined, false)
    off.report(nextOf(off), { kind: 'response', status: 503 })
    expect(off.trace).toEqual([])
    off.done()
  })
})
