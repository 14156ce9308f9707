import type { NodeStore } from '../interface'
import { accountNotFound } from '../rows/fields'
import {
  checkNodePatch,
  newNodeRow,
  nodeNameTaken,
  openEach,
  openNodeKey,
  patchedNodeRow,
  toNode,
} from '../rows/nodes'
import type { NodeSecretRead } from '../types/nodes'
import { openHeaders } from '../rows/node-policies'
import type { Mem } from './state'

/** Nodes of the memory adapter; names are unique within an account, as MySQL's index makes them. */
export function memoryNodes(m: Mem): NodeStore {
  const { state, ctx } = m
  const nameTaken = (accountId: string, name: string, except?: string) =>
    [...state.nodes.values()].some(
      (n) => n.accountId === accountId && n.name === name && n.id !== except,
    )

  return {
    async createNode(input) {
      m.live()
      const row = newNodeRow(ctx, input)
      if (!state.accounts.has(row.accountId)) throw accountNotFound()
      if (nameTaken(row.accountId, row.name)) throw nodeNameTaken(row.name)
      state.nodes.set(row.id, row)
      m.changed()
      return toNode(row)
    },
    async updateNode(id, patch) {
      m.live()
      const checked = checkNodePatch(patch)
      const n = state.nodes.get(id)
      if (!n) return null
      if (checked.name !== undefined && nameTaken(n.accountId, checked.name, id)) {
        throw nodeNameTaken(checked.name)
      }
      const next = patchedNodeRow(ctx.box, n, checked, ctx.now())
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
      return n ? openNodeKey(ctx.box, n) : null
    },
    async getNodeApiKeys(ids) {
      const found = new Map<string, NodeSecretRead<string>>()
      for (const id of ids) {
        const n = state.nodes.get(id)
        if (n)
          found.set(
            id,
            openEach(() => openNodeKey(ctx.box, n)),
          )
      }
      return found
    },
    async getNodeExtraHeaders(id) {
      const n = state.nodes.get(id)
      return n ? openHeaders(ctx.box, n) : null
    },
  }
}
