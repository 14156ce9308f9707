import type { NodeConfig, PoolEntry } from '../types'

// Model lists and model maps of a node (docs/contract.md §13). A pattern is an id ending in `*`,
// matching every id that starts with what comes before the `*`; anything else matches exactly
// (case-sensitive, as model ids are).

function matches(pattern: string, model: string): boolean {
  return pattern.endsWith('*') ? model.startsWith(pattern.slice(0, -1)) : pattern === model
}

/**
 * Whether a node serves a requested model (docs/contract.md §13 `models`): an absent or null list
 * means every model; otherwise an exact entry or a trailing-`*` pattern must match. An empty list
 * serves nothing. The requested id is matched, before any `modelMap` rewrite.
 *
 * @example
 * ```ts
 * nodeServesModel({ ...node, models: ['claude-opus-*'] }, 'claude-opus-4-1') // true
 * nodeServesModel({ ...node, models: null }, 'anything') // true
 * ```
 */
export function nodeServesModel(node: NodeConfig, model: string): boolean {
  const list = node.models
  if (list === undefined || list === null) return true
  for (let i = 0; i < list.length; i++) if (matches(list[i] as string, model)) return true
  return false
}

/**
 * The entries that serve `model` (see {@link nodeServesModel}), of one tenant when `accountId` is
 * given, regardless of health or the `disabled` flag. When it is empty for a request's tenant,
 * the proxy answers 404 `not_found_error` "no node serves model X" and forwards nothing
 * (docs/contract.md §13), instead of the 503 of an unavailable pool: {@link selectNode} returns
 * `undefined` in both cases, this tells them apart.
 *
 * @example
 * ```ts
 * if (servingNodes(pool, body.model, accountId).length === 0) return notFound(body.model)
 * ```
 */
export function servingNodes(
  pool: readonly PoolEntry[],
  model: string,
  accountId?: string,
): PoolEntry[] {
  return pool.filter(
    (e) =>
      (accountId === undefined || e.node.accountId === accountId) && nodeServesModel(e.node, model),
  )
}

/**
 * The model id to send upstream for a requested model on one node (docs/contract.md §13
 * `model_map`): an exact key wins over any pattern; among trailing-`*` keys the longest prefix
 * wins; no match (or no map) leaves the id unchanged.
 *
 * @example
 * ```ts
 * const node = { ...base, modelMap: { 'claude-*': 'relay-claude', 'claude-opus-*': 'relay-opus' } }
 * resolveUpstreamModel(node, 'claude-opus-4-1') // 'relay-opus'
 * resolveUpstreamModel(node, 'gpt-5') // 'gpt-5'
 * ```
 */
export function resolveUpstreamModel(node: NodeConfig, model: string): string {
  const map = node.modelMap
  if (map === undefined || map === null) return model
  if (Object.hasOwn(map, model)) return map[model] as string
  let best: string | undefined
  let bestLength = -1
  for (const key of Object.keys(map)) {
    if (!key.endsWith('*')) continue
    const prefix = key.slice(0, -1)
    if (prefix.length > bestLength && model.startsWith(prefix)) {
      best = map[key]
      bestLength = prefix.length
    }
  }
  return best ?? model
}

/**
 * The model ids `GET /v1/models` lists from the proxy itself (docs/contract.md §13): the union of
 * the exact ids of the given nodes' `models` lists, in first-seen order, patterns left out; `null`
 * when some node has no list (it may serve anything, so the list is forwarded upstream) or when
 * there is no node. Pass the tenant's nodes only.
 *
 * @example
 * ```ts
 * modelsListFromNodes([{ ...a, models: ['m1', 'x-*'] }, { ...b, models: ['m2', 'm1'] }]) // ['m1', 'm2']
 * ```
 */
export function modelsListFromNodes(nodes: readonly NodeConfig[]): string[] | null {
  if (nodes.length === 0) return null
  const ids = new Set<string>()
  for (const node of nodes) {
    const list = node.models
    if (list === undefined || list === null) return null
    for (const id of list) if (!id.endsWith('*')) ids.add(id)
  }
  return [...ids]
}
