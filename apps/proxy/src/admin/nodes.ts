import { lookup } from 'node:dns/promises'
import { Hono, type Context } from 'hono'
import type { NodeRecord, NodeStateRecord } from '@qcc/store'
import { z } from 'zod'
import { audit } from './audit'
import type { AdminDeps, AdminEnv } from './context'
import { ApiError } from './errors'
import {
  checkKeyFollowsUrl,
  checkManagedDelete,
  checkManagedUpdate,
  tenantNodeCap,
} from './managed-nodes'
import { activeNodeId, nodeView } from './node-view'
import type { TrustedProxies } from './request-meta'
import { accountScope, ownedNode, targetAccount } from './roles'
import type { RouteDoc } from './route-doc'
import { checkUpstreamAddress, checkUpstreamUrl } from './upstream-policy'
import { idAnswer, nodesAnswer } from './responses'
import { jsonBody, parseWith, queryOf, readJson } from './validate'

const method = z.enum(['api', 'count_tokens', 'head', 'cli'])
// No query or fragment: a credential there (`?key=`) would show in node lists and logs.
const baseUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((v) => !v.includes('?') && !v.includes('#'), 'must not have a query or fragment')
export const createNodeBody = z.object({
  name: z.string().trim().min(1).max(128).optional(),
  base_url: baseUrl,
  api_key: z.string().max(1024).nullable().optional(),
  weight: z.number().int().min(1).max(1_000_000).optional(),
  health_check_method: method.optional(),
  health_check_model: z.string().max(128).nullable().optional(),
  disabled: z.boolean().optional(),
})
export const updateNodeBody = createNodeBody.partial()
export const nodeIdBody = z.object({ id: z.string().min(1).max(64) })
export const nodeIdQuery = nodeIdBody
export const accountQuery = z.object({ account_id: z.string().max(64).optional() })

/**
 * The saved-URL check: the literal rule, then, for names, the addresses they resolve to now. A
 * name that does not resolve yet is accepted; the connect-time check covers it (SPEC 6.3).
 */
async function checkBaseUrl(url: string, allowPrivate: boolean): Promise<void> {
  const verdict = checkUpstreamUrl(url, { allowPrivate })
  if (!verdict.ok) throw new ApiError(400, `base_url: ${verdict.reason}`)
  const host = new URL(url).hostname
  if (host.startsWith('[') || /^[\d.]+$/.test(host)) return
  const addresses = await Promise.race([
    lookup(host, { all: true }).catch(() => []),
    new Promise<[]>((resolve) => setTimeout(() => resolve([]), 2000).unref()),
  ])
  for (const { address } of addresses) {
    const v = checkUpstreamAddress(address, { allowPrivate })
    if (!v.ok) throw new ApiError(400, `base_url: ${v.reason}`)
  }
}

/** `GET|POST|PUT|DELETE /admin/api/nodes` and `POST /admin/api/nodes/{activate,disable,enable}`. */
export function nodeRoutes(deps: AdminDeps, trusted: TrustedProxies): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>()
  const { store, env } = deps
  const mayUsePrivate = (c: Context<AdminEnv>) =>
    c.get('account').isAdmin || env.PROXY_ALLOW_PRIVATE_UPSTREAMS
  const nodeCap = tenantNodeCap(store)
  const changed = (accountId: string) =>
    deps.events.publish({
      type: 'config.changed',
      accountId,
      data: { at: new Date(deps.now()).toISOString() },
    })

  app.get('/nodes', async (c) => {
    const q = queryOf(c, accountQuery)
    const accountId = await accountScope(c, deps, q.account_id)
    const nodes = await store.listNodes(accountId ? { accountId } : undefined)
    const ids = new Set(nodes.map((n) => n.id))
    const states = new Map<string, NodeStateRecord>()
    for (const s of await store.getNodeStates()) if (ids.has(s.nodeId)) states.set(s.nodeId, s)
    const usage = await store.usageSummary({ accountId, groupBy: 'node' })
    const byNode = new Map(usage.groups.map((g) => [g.key, g]))
    const now = deps.now()
    const active = new Set<string>()
    const byAccount = new Map<string, NodeRecord[]>()
    for (const n of nodes) byAccount.set(n.accountId, [...(byAccount.get(n.accountId) ?? []), n])
    for (const [id, list] of byAccount) {
      const account = id === c.get('account').id ? c.get('account') : await store.getAccount(id)
      const pick = activeNodeId(account ?? undefined, list, states, now)
      if (pick) active.add(pick)
    }
    const sorted = [...nodes].sort(
      (a, b) => a.weight - b.weight || a.createdAt.getTime() - b.createdAt.getTime(),
    )
    return c.json({
      nodes: sorted.map((n) =>
        nodeView(n, states.get(n.id), byNode.get(n.id), active.has(n.id), now),
      ),
    })
  })

  app.post('/nodes', async (c) => {
    const q = queryOf(c, accountQuery)
    const account = await targetAccount(c, deps, q.account_id)
    const body = await jsonBody(c, createNodeBody)
    const me = c.get('account')
    const node = await nodeCap.run(me, account.id, async () => {
      await checkBaseUrl(body.base_url, mayUsePrivate(c))
      return store.createNode({
        accountId: account.id,
        name: body.name ?? new URL(body.base_url).host,
        baseUrl: body.base_url,
        apiKey: body.api_key || null,
        weight: body.weight,
        disabled: body.disabled,
        healthCheckMethod: body.health_check_method,
        healthCheckModel: body.health_check_model,
        allowPrivate: me.isAdmin,
        // Provisioned into another account: its owner may not repoint or rekey it (SPEC 9).
        managed: me.isAdmin && account.id !== me.id,
      })
    })
    await audit(c, deps, trusted, {
      action: 'node.create',
      accountId: account.id,
      targetType: 'node',
      targetId: node.id,
      detail: { name: node.name, base_url: node.baseUrl },
    })
    changed(account.id)
    return c.json({ id: node.id }, 201)
  })

  app.put('/nodes', async (c) => {
    const node = await ownedNode(c, deps, queryOf(c, nodeIdQuery).id)
    const raw = await readJson(c)
    checkManagedUpdate(c.get('account'), node, raw)
    const body = parseWith(updateNodeBody, raw)
    const urlChanged = body.base_url !== undefined && body.base_url !== node.baseUrl
    checkKeyFollowsUrl(c.get('account'), urlChanged, body.api_key)
    if (urlChanged) await checkBaseUrl(body.base_url as string, mayUsePrivate(c))
    await store.updateNode(node.id, {
      name: body.name,
      baseUrl: body.base_url,
      apiKey: body.api_key === undefined ? undefined : body.api_key || null,
      weight: body.weight,
      disabled: body.disabled,
      healthCheckMethod: body.health_check_method,
      healthCheckModel: body.health_check_model,
      // The private-address permission follows whoever set the URL last.
      allowPrivate: urlChanged ? c.get('account').isAdmin : undefined,
    })
    await audit(c, deps, trusted, {
      action: 'node.update',
      accountId: node.accountId,
      targetType: 'node',
      targetId: node.id,
      detail: { fields: Object.keys(body) },
    })
    changed(node.accountId)
    return c.json({ id: node.id })
  })

  app.delete('/nodes', async (c) => {
    const node = await ownedNode(c, deps, queryOf(c, nodeIdQuery).id)
    checkManagedDelete(c.get('account'), node)
    await store.deleteNode(node.id)
    await audit(c, deps, trusted, {
      action: 'node.delete',
      accountId: node.accountId,
      targetType: 'node',
      targetId: node.id,
      detail: { name: node.name },
    })
    changed(node.accountId)
    return c.json({ deleted: node.id })
  })

  const toggle = (action: 'activate' | 'disable' | 'enable') =>
    app.post(`/nodes/${action}`, async (c) => {
      const raw = await jsonBody(c, nodeIdBody)
      const node = await ownedNode(c, deps, raw.id)
      if (action === 'activate') {
        await store.updateAccount(node.accountId, { activeNodeId: node.id })
      } else {
        // The node.state event comes from the health machine when it sees the change (at once
        // on this replica through config.changed): one source, one event per transition.
        await store.updateNode(node.id, { disabled: action === 'disable' })
      }
      await audit(c, deps, trusted, {
        action: `node.${action}`,
        accountId: node.accountId,
        targetType: 'node',
        targetId: node.id,
      })
      changed(node.accountId)
      const key = action === 'activate' ? 'active' : action === 'disable' ? 'disabled' : 'enabled'
      return c.json({ [key]: node.id })
    })
  toggle('activate')
  toggle('disable')
  toggle('enable')
  return app
}

export const nodeDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/admin/api/nodes',
    summary: "Nodes of the caller's account (admins: account_id, or * for all)",
    auth: 'session',
    query: accountQuery,
    response: nodesAnswer,
  },
  {
    method: 'post',
    path: '/admin/api/nodes',
    summary:
      "Add a node (to account_id, default the caller). An admin's node in another account is " +
      'managed. A tenant account holds at most 50 nodes (409 beyond)',
    auth: 'session',
    query: accountQuery,
    body: createNodeBody,
    response: idAnswer,
    status: 201,
  },
  {
    method: 'put',
    path: '/admin/api/nodes',
    summary:
      'Update a node (partial; api_key null clears it). A tenant changing base_url must send ' +
      'api_key too (400). On a managed node a tenant may change only name, weight and disabled ' +
      '(403 for base_url, api_key, health-check fields)',
    auth: 'session',
    query: nodeIdQuery,
    body: updateNodeBody,
  },
  {
    method: 'delete',
    path: '/admin/api/nodes',
    summary: 'Delete a node (403 for a tenant on a managed node)',
    auth: 'session',
    query: nodeIdQuery,
  },
  {
    method: 'post',
    path: '/admin/api/nodes/activate',
    summary: 'Prefer this node in its account until it fails or is disabled',
    auth: 'session',
    body: nodeIdBody,
  },
  {
    method: 'post',
    path: '/admin/api/nodes/disable',
    summary: 'Disable a node',
    auth: 'session',
    body: nodeIdBody,
  },
  {
    method: 'post',
    path: '/admin/api/nodes/enable',
    summary: 'Enable a node',
    auth: 'session',
    body: nodeIdBody,
  },
]
