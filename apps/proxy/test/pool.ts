import { pollUntil } from './wait'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { ConsoleEvent } from '../src/events/bus'
import type { RunningQcc } from '../src/index'
import { startTestQcc } from './start-qcc'

export const TENANT_KEY = 'default-proxy-key'

export interface PoolNode {
  id: string
  upstream: FakeUpstream
}

export interface TestPool {
  qcc: RunningQcc
  accountId: string
  nodes: Record<string, PoolNode>
  /** Every node.state event published since the pool started (or since `events.length = 0`). */
  events: Array<Extract<ConsoleEvent, { type: 'node.state' }>['data']>
  post(body: unknown, headers?: Record<string, string>): Promise<Response>
  close(): Promise<void>
}

/**
 * The real server in memory mode with the default tenant's nodes on fake upstreams, named and
 * weighted as given (lower weight = tried first). Each node's key is `sk-<name>`.
 */
export async function startPool(
  spec: Array<{ name: string; weight: number; baseUrl?: string }>,
  env: Record<string, string> = {},
): Promise<TestPool> {
  const qcc = await startTestQcc(env)
  const account = await qcc.store.getAccountByName('default')
  if (!account) throw new Error('no default account')
  const nodes: Record<string, PoolNode> = {}
  for (const n of spec) {
    const upstream = await startFakeUpstream({ name: n.name })
    const record = await qcc.store.createNode({
      accountId: account.id,
      name: n.name,
      baseUrl: n.baseUrl ?? upstream.url,
      apiKey: `sk-${n.name}`,
      weight: n.weight,
      allowPrivate: true,
    })
    nodes[n.name] = { id: record.id, upstream }
  }
  await qcc.refresh()
  const events: TestPool['events'] = []
  qcc.events.subscribe((e) => {
    if (e.type === 'node.state') events.push(e.data)
  })
  return {
    qcc,
    accountId: account.id,
    nodes,
    events,
    post: (body, headers = {}) =>
      fetch(`${qcc.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': TENANT_KEY, ...headers },
        body: JSON.stringify(body),
      }),
    close: async () => {
      await qcc.close()
      await Promise.all(Object.values(nodes).map((n) => n.upstream.close()))
    },
  }
}

/** Polls until `probe` is truthy; fails the test after `timeoutMs`. */
export const eventually = <T>(probe: () => T | Promise<T>, timeoutMs = 5000) =>
  pollUntil('a condition', probe, { timeoutMs, intervalMs: 25 })
