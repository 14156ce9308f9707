import type { Context } from 'hono'
import type { Account, NodeRecord, NodeStateRecord } from '@qcc/store'
import { checkSavedUrl } from '../outbound/saved-url-check'
import { audit } from './audit'
import { publishConfigChanged } from './config-events'
import type { AdminDeps, AdminEnv } from './context'
import { ApiError } from './errors'
import {
  checkKeyFollowsUrl,
  checkManagedDelete,
  checkManagedUpdate,
  tenantNodeCap,
} from './managed-nodes'
import { resolveKeptHeaders, toPolicyInput } from './node-policy-schema'
import { activeNodeId, nodeView } from './node-view'
import {
  accountQuery,
  createNodeBody,
  nodeIdBody,
  nodeIdQuery,
  updateNodeBody,
} from './node-schema'
import type { TrustedProxies } from './request-meta'
import { idAnswer, nodesAnswer } from './responses'
import { accountScope, ownedNode, targetAccount } from './roles'
import { defineRoute, type RouteGroup } from './route-table'
import { readJson } from './validate'

/** The saved-URL check as a 400 naming `base_url`. */
async function checkBaseUrl(url: string, allowPrivate: boolean): Promise<void> {
  const verdict = await checkSavedUrl(url, { allowPrivate })
  if (!verdict.ok) throw new ApiError('invalid_request', `base_url: ${verdict.reason}`)
}

/**
 * The accounts that own `nodes`, for "which node serves next": the caller's own from the
 * session, any other from one store read (not one per account).
 */
async function ownersOf(
  deps: AdminDeps,
  me: Account,
  nodes: readonly NodeRecord[],
): Promise<Map<string, Account>> {
  const owners = new Map<string, Account>([[me.id, me]])
  if (nodes.some((n) => !owners.has(n.accountId))) {
    for (const a of await deps.store.listAccounts()) if (a.id !== me.id) owners.set(a.id, a)
  }
  return owners
}

/** `GET|POST|PUT|DELETE /admin/api/nodes` and `POST /admin/api/nodes/{activate,disable,enable}`. */
export function nodeRoutes(
  api: RouteGroup<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
): void {
  const { store, env } = deps
  const mayUsePrivate = (c: Context<AdminEnv>) =>
    c.get('account').isAdmin || env.PROXY_ALLOW_PRIVATE_UPSTREAMS
  const nodeCap = tenantNodeCap(store)

  defineRoute(api, 'GET /nodes', {
    summary: "Nodes of the caller's account (admins: account_id, or * for all)",
    query: accountQuery,
    response: nodesAnswer,
    handler: async (c, { query }) => {
      const accountId = await accountScope(c, deps, query.account_id)
      const nodes = await store.listNodes(accountId ? { accountId } : undefined)
      const ids = new Set(nodes.map((n) => n.id))
      const states = new Map<string, NodeStateRecord>()
      for (const s of await store.getNodeStates()) if (ids.has(s.nodeId)) states.set(s.nodeId, s)
      const usage = await store.usageSummary({ accountId, groupBy: 'node' })
      const byNode = new Map(usage.groups.map((g) => [g.key, g]))
      const now = deps.now()
      const byAccount = new Map<string, NodeRecord[]>()
      for (const n of nodes) byAccount.set(n.accountId, [...(byAccount.get(n.accountId) ?? []), n])
      const owners = await ownersOf(deps, c.get('account'), nodes)
      const active = new Set<string>()
      for (const [id, list] of byAccount) {
        const pick = activeNodeId(owners.get(id), list, states, now)
        if (pick) active.add(pick)
      }
      const sorted = [...nodes].sort(
        (a, b) => a.weight - b.weight || a.createdAt.getTime() - b.createdAt.getTime(),
      )
      // Opened only to mask them (docs/contract.md §13): one read per node that has any.
      const headers = new Map<string, Record<string, string> | null>()
      for (const n of sorted) {
        if (n.extraHeaderNames.length > 0) headers.set(n.id, await store.getNodeExtraHeaders(n.id))
      }
      return c.json({
        nodes: sorted.map((n) =>
          nodeView(
            n,
            states.get(n.id),
            byNode.get(n.id),
            active.has(n.id),
            now,
            headers.get(n.id) ?? null,
          ),
        ),
      })
    },
  })

  defineRoute(api, 'POST /nodes', {
    summary:
      "Add a node (to account_id, default the caller). An admin's node in another account is " +
      'managed. A tenant account holds at most 50 nodes (409 beyond)',
    query: accountQuery,
    body: createNodeBody,
    response: idAnswer,
    status: 201,
    handler: async (c, input) => {
      const account = await targetAccount(c, deps, input.query.account_id)
      const body = await input.body()
      // Nothing is stored yet, so an empty header value ("keep") is refused here.
      const policies = toPolicyInput({
        ...body,
        extra_headers: resolveKeptHeaders(body.extra_headers, null),
      })
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
          ...policies,
          allowPrivate: me.isAdmin,
          // Provisioned into another account: its owner may not repoint or rekey it (docs/contract.md §9).
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
      publishConfigChanged(deps, account.id)
      return c.json({ id: node.id }, 201)
    },
  })

  defineRoute(api, 'PUT /nodes', {
    summary:
      'Update a node (partial; api_key null clears it). A tenant changing base_url must send ' +
      'api_key too (400). extra_headers replaces the whole map; a value of "" keeps the saved ' +
      'value of that name. On a managed node a tenant may change only name, weight and disabled ' +
      '(403 for base_url, api_key, health-check and policy fields; sending a stored value is ' +
      'not a change)',
    query: nodeIdQuery,
    body: updateNodeBody,
    handler: async (c, input) => {
      const node = await ownedNode(c, deps, input.query.id)
      // On a managed node the 403 comes before any validation of the body.
      checkManagedUpdate(c.get('account'), node, await readJson(c))
      const body = await input.body()
      const urlChanged = body.base_url !== undefined && body.base_url !== node.baseUrl
      checkKeyFollowsUrl(c.get('account'), urlChanged, body.api_key)
      const saved = body.extra_headers ? await store.getNodeExtraHeaders(node.id) : null
      const policies = toPolicyInput({
        ...body,
        extra_headers: resolveKeptHeaders(body.extra_headers, saved),
      })
      if (urlChanged) await checkBaseUrl(body.base_url as string, mayUsePrivate(c))
      await store.updateNode(node.id, {
        name: body.name,
        baseUrl: body.base_url,
        apiKey: body.api_key === undefined ? undefined : body.api_key || null,
        weight: body.weight,
        disabled: body.disabled,
        healthCheckMethod: body.health_check_method,
        healthCheckModel: body.health_check_model,
        ...policies,
        // The private-address permission follows whoever set the URL last.
        allowPrivate: urlChanged ? c.get('account').isAdmin : undefined,
      })
      await audit(c, deps, trusted, {
        action: 'node.update',
        accountId: node.accountId,
        targetType: 'node',
        targetId: node.id,
        // Field names only: header values and keys are secrets.
        detail: { fields: Object.keys(body) },
      })
      publishConfigChanged(deps, node.accountId)
      return c.json({ id: node.id })
    },
  })

  defineRoute(api, 'DELETE /nodes', {
    summary: 'Delete a node (403 for a tenant on a managed node)',
    query: nodeIdQuery,
    handler: async (c, { query }) => {
      const node = await ownedNode(c, deps, query.id)
      checkManagedDelete(c.get('account'), node)
      await store.deleteNode(node.id)
      await audit(c, deps, trusted, {
        action: 'node.delete',
        accountId: node.accountId,
        targetType: 'node',
        targetId: node.id,
        detail: { name: node.name },
      })
      publishConfigChanged(deps, node.accountId)
      return c.json({ deleted: node.id })
    },
  })

  const toggles = {
    activate: {
      summary: 'Prefer this node in its account until it fails or is disabled',
      key: 'active',
    },
    disable: { summary: 'Disable a node', key: 'disabled' },
    enable: { summary: 'Enable a node', key: 'enabled' },
  } as const
  for (const [action, { summary, key }] of Object.entries(toggles)) {
    defineRoute(api, `POST /nodes/${action}`, {
      summary,
      body: nodeIdBody,
      handler: async (c, input) => {
        const node = await ownedNode(c, deps, (await input.body()).id)
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
        publishConfigChanged(deps, node.accountId)
        return c.json({ [key]: node.id })
      },
    })
  }
}
