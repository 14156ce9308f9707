import { z } from 'zod'
import { audit } from './audit'
import { publishConfigChanged } from './config-events'
import type { AdminDeps, AdminEnv } from './context'
import { nodeIdBody } from './node-schema'
import type { TrustedProxies } from './request-meta'
import { ownedNode } from './roles'
import { defineRoute, type RouteGroup } from './route-table'

export const unstickAnswer = z.object({
  unstuck: z.string().describe('the node id'),
  dropped: z.number().int().describe('bindings this replica dropped; others drop theirs on reload'),
})

/**
 * `POST /admin/api/nodes/unstick {id}` (docs/contract.md §13): drops every sticky binding to a
 * node. This replica drops its own at once (`deps.unstickNode`); the node's `unstuckAt` moves,
 * so every other replica drops its bindings when it reloads the node. Same ownership as the
 * node toggles: the owner or an admin; another tenant's node is 404.
 */
export function nodeUnstickRoutes(
  api: RouteGroup<AdminEnv>,
  deps: AdminDeps,
  trusted: TrustedProxies,
): void {
  defineRoute(api, 'POST /nodes/unstick', {
    summary: 'Drop every sticky session binding to a node (on every replica)',
    body: nodeIdBody,
    response: unstickAnswer,
    handler: async (c, input) => {
      const node = await ownedNode(c, deps, (await input.body()).id)
      await deps.store.updateNode(node.id, { unstuckAt: new Date(deps.now()) })
      const dropped = deps.unstickNode?.(node.id) ?? 0
      await audit(c, deps, trusted, {
        action: 'node.unstick',
        accountId: node.accountId,
        targetType: 'node',
        targetId: node.id,
        detail: { dropped },
      })
      publishConfigChanged(deps, node.accountId)
      const answer: z.infer<typeof unstickAnswer> = { unstuck: node.id, dropped }
      return c.json(answer)
    },
  })
}
