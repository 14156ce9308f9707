import { nodeKeyAad, sealedKeyAfterUpdate } from '../crypto/node-key'
import { apiKeyHint, newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import type { NodeRecord } from '../types/nodes'
import { checkBaseUrl, checkMethod, checkName, checkWeight } from '../validate'
import type { Mem, NodeRow } from './state'

type NodeMethods = Pick<
  Store,
  | 'createNode'
  | 'updateNode'
  | 'deleteNode'
  | 'getNode'
  | 'listNodes'
  | 'getNodeApiKey'
  | 'getNodeStates'
  | 'compareAndSetNodeState'
>

const toNode = ({ apiKeySealed, ...n }: NodeRow): NodeRecord => ({
  ...n,
  hasApiKey: apiKeySealed !== null,
})

/** Nodes and node state of the memory adapter. */
export function memoryNodes(m: Mem): NodeMethods {
  const { state, ctx } = m
  const nameTaken = (accountId: string, name: string, except?: string) =>
    [...state.nodes.values()].some(
      (n) => n.accountId === accountId && n.name === name && n.id !== except,
    )
  const seal = (id: string, baseUrl: string, key: string | null | undefined) =>
    key ? ctx.box.seal(key, nodeKeyAad(id, baseUrl)) : null

  return {
    async createNode(input) {
      m.live()
      if (!state.accounts.has(input.accountId)) {
        throw new StoreError('not_found', 'account not found')
      }
      const name = checkName(input.name, 'node name')
      if (nameTaken(input.accountId, name)) {
        throw new StoreError('conflict', `node name "${name}" is taken in this account`)
      }
      const id = newId()
      const now = ctx.now()
      const baseUrl = checkBaseUrl(input.baseUrl)
      const row: NodeRow = {
        id,
        accountId: input.accountId,
        name,
        baseUrl,
        apiKeySealed: seal(id, baseUrl, input.apiKey),
        apiKeyHint: apiKeyHint(input.apiKey),
        weight: checkWeight(input.weight),
        disabled: input.disabled ?? false,
        healthCheckMethod: checkMethod(input.healthCheckMethod, Boolean(input.apiKey)),
        healthCheckModel: input.healthCheckModel ?? null,
        allowPrivate: input.allowPrivate ?? false,
        managed: input.managed ?? false,
        createdAt: now,
        updatedAt: now,
      }
      state.nodes.set(id, row)
      m.changed()
      return toNode(row)
    },
    async updateNode(id, patch) {
      m.live()
      const n = state.nodes.get(id)
      if (!n) return null
      const next: NodeRow = { ...n, updatedAt: ctx.now() }
      if (patch.name !== undefined) {
        next.name = checkName(patch.name, 'node name')
        if (nameTaken(n.accountId, next.name, id)) {
          throw new StoreError('conflict', `node name "${next.name}" is taken in this account`)
        }
      }
      if (patch.baseUrl !== undefined) next.baseUrl = checkBaseUrl(patch.baseUrl)
      next.apiKeySealed = sealedKeyAfterUpdate(
        ctx.box,
        { id, baseUrl: n.baseUrl, sealed: n.apiKeySealed },
        { baseUrl: next.baseUrl, apiKey: patch.apiKey },
      )
      if (patch.apiKey !== undefined) next.apiKeyHint = apiKeyHint(patch.apiKey)
      if (patch.weight !== undefined) next.weight = checkWeight(patch.weight)
      if (patch.disabled !== undefined) next.disabled = Boolean(patch.disabled)
      if (patch.healthCheckMethod !== undefined) {
        next.healthCheckMethod = checkMethod(patch.healthCheckMethod, next.apiKeySealed !== null)
      }
      if (patch.healthCheckModel !== undefined) next.healthCheckModel = patch.healthCheckModel
      if (patch.allowPrivate !== undefined) next.allowPrivate = Boolean(patch.allowPrivate)
      if (patch.managed !== undefined) next.managed = Boolean(patch.managed)
      state.nodes.set(id, next)
      m.changed()
      return toNode(next)
    },
    async deleteNode(id) {
      m.live()
      const n = state.nodes.get(id)
      if (!n) return false
      state.nodes.delete(id)
      state.states.delete(id)
      const owner = state.accounts.get(n.accountId)
      if (owner?.activeNodeId === id) owner.activeNodeId = null
      m.changed()
      return true
    },
    async getNode(id) {
      const n = state.nodes.get(id)
      return n ? toNode(n) : null
    },
    async listNodes(filter) {
      return [...state.nodes.values()]
        .filter((n) => filter?.accountId === undefined || n.accountId === filter.accountId)
        .map(toNode)
    },
    async getNodeApiKey(id) {
      const n = state.nodes.get(id)
      return n?.apiKeySealed ? ctx.box.open(n.apiKeySealed, nodeKeyAad(id, n.baseUrl)) : null
    },

    async getNodeStates() {
      return [...state.states.values()].map((s) => ({ ...s }))
    },
    async compareAndSetNodeState(nodeId, expectedVersion, next) {
      m.live()
      if (!state.nodes.has(nodeId)) return false
      const current = state.states.get(nodeId)?.version ?? 0
      if (current !== expectedVersion) return false
      state.states.set(nodeId, { ...next, nodeId, version: expectedVersion + 1 })
      m.changed()
      return true
    },
  }
}
