import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from '@qcc/testing'
import type { CreateNodeInput } from '@qcc/store'
import type { RunningQcc } from '../src/index'
import { startTestQcc } from './start-qcc'

/** The Messages request the node-policy tests send unless a test needs another. */
export const POLICY_BODY = {
  model: 'claude-sonnet-4-6',
  max_tokens: 50,
  messages: [{ role: 'user', content: 'hi' }],
}

/** How many Messages calls the node `name` of a pool received. */
export const callsOf = (p: PolicyPool, name: string) => messagesOf(upOf(p, name)).length

/** The default tenant's proxy key (seeded in memory mode). */
export const TENANT_KEY = 'default-proxy-key'

/** A node of a policy pool: its fake upstream and the policy fields it was created with. */
export type PolicyNodeSpec = Omit<CreateNodeInput, 'accountId' | 'name' | 'baseUrl'> & {
  name: string
  /** Options of the node's own fake upstream. */
  upstream?: FakeUpstreamOptions
}

export interface PolicyPool {
  qcc: RunningQcc
  accountId: string
  /** Node id and fake upstream by node name. */
  nodes: Record<string, { id: string; upstream: FakeUpstream }>
  /** The node's live health (core's machine). */
  health(
    name: string,
  ): { status: string; consecutiveFailures: number; coolingUntil?: number | null } | undefined
  /** POST /v1/messages with the raw body text as given (a non-string is JSON-encoded). */
  post(body: unknown, headers?: Record<string, string>): Promise<Response>
  get(path: string): Promise<Response>
  close(): Promise<void>
}

/**
 * The real server in memory mode with the default tenant's nodes, each on its own fake upstream,
 * created with the given policy fields (docs/contract.md §13). Each node's key is `sk-<name>`
 * unless the spec sets `apiKey`.
 */
export async function startPolicyPool(
  specs: PolicyNodeSpec[],
  env: Record<string, string> = {},
  before?: (qcc: RunningQcc, accountId: string) => Promise<void>,
): Promise<PolicyPool> {
  const qcc = await startTestQcc(env)
  const account = await qcc.store.getAccountByName('default')
  if (!account) throw new Error('no default account')
  await before?.(qcc, account.id)
  const nodes: PolicyPool['nodes'] = {}
  for (const { name, upstream: options, ...fields } of specs) {
    const upstream = await startFakeUpstream({ name, ...options })
    const record = await qcc.store.createNode({
      apiKey: `sk-${name}`,
      allowPrivate: true,
      ...fields,
      accountId: account.id,
      name,
      baseUrl: upstream.url,
    })
    nodes[name] = { id: record.id, upstream }
  }
  await qcc.refresh()
  return {
    qcc,
    accountId: account.id,
    nodes,
    health: (name) => qcc.health.get(nodes[name]?.id ?? '')?.health,
    post: (body, headers = {}) =>
      fetch(`${qcc.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': TENANT_KEY, ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      }),
    get: (path) =>
      fetch(`${qcc.url}${path}`, {
        headers: { 'x-api-key': TENANT_KEY },
        signal: AbortSignal.timeout(15_000),
      }),
    close: async () => {
      await qcc.close()
      await Promise.all(Object.values(nodes).map((n) => n.upstream.close()))
    },
  }
}

/** The requests a node's fake upstream got on `/v1/messages` (probes included). */
export const messagesOf = (upstream: FakeUpstream) =>
  upstream.requests.filter((r) => r.path.split('?')[0] === '/v1/messages')

/** The usage events of the pool's tenant, newest first, once the writer has flushed. */
export async function usageOf(pool: PolicyPool, limit = 20) {
  await pool.qcc.store.usageWriter.flush()
  return pool.qcc.store.usageLogs({ accountId: pool.accountId, limit })
}

/** A node of the pool by name (throws when the test named one it did not create). */
export function nodeOf(pool: PolicyPool, name: string): { id: string; upstream: FakeUpstream } {
  const node = pool.nodes[name]
  if (!node) throw new Error(`no node ${name} in the pool`)
  return node
}

/** The fake upstream of a node of the pool. */
export const upOf = (pool: PolicyPool, name: string): FakeUpstream => nodeOf(pool, name).upstream
