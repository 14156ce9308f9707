import { and, asc, eq } from 'drizzle-orm'
import { apiKeyHint, newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import { nodeKeyAad } from '../memory/nodes'
import type { NodeRecord, NodeStatus } from '../types/nodes'
import { checkBaseUrl, checkMethod, checkName, checkWeight } from '../validate'
import { isDuplicate, type My } from './db'
import { accounts, nodeStates, nodes } from './schema'

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

const toNode = ({ apiKeyEnc, ...n }: typeof nodes.$inferSelect): NodeRecord => ({
  ...n,
  healthCheckMethod: n.healthCheckMethod as NodeRecord['healthCheckMethod'],
  hasApiKey: apiKeyEnc !== null,
})

const nameTaken = (name: string) =>
  new StoreError('conflict', `node name "${name}" is taken in this account`)

/** Nodes and node state of the MySQL adapter. */
export function mysqlNodes(m: My): NodeMethods {
  const { db, ctx } = m
  const seal = (id: string, key: string | null | undefined) =>
    key ? ctx.box.seal(key, nodeKeyAad(id)) : null
  const getRow = async (id: string) => {
    const [row] = await db
      .select()
      .from(nodes)
      .where(eq(nodes.id, String(id)))
    return row
  }

  return {
    async createNode(input) {
      m.live()
      const name = checkName(input.name, 'node name')
      const id = newId()
      const now = ctx.now()
      const row = {
        id,
        accountId: input.accountId,
        name,
        baseUrl: checkBaseUrl(input.baseUrl),
        apiKeyEnc: seal(id, input.apiKey),
        apiKeyHint: apiKeyHint(input.apiKey),
        weight: checkWeight(input.weight),
        disabled: input.disabled ?? false,
        healthCheckMethod: checkMethod(input.healthCheckMethod, Boolean(input.apiKey)),
        healthCheckModel: input.healthCheckModel ?? null,
        allowPrivate: input.allowPrivate ?? false,
        createdAt: now,
        updatedAt: now,
      }
      try {
        await m.mutate(async (tx) => {
          const [a] = await tx
            .select({ id: accounts.id })
            .from(accounts)
            .where(eq(accounts.id, input.accountId))
          if (!a) throw new StoreError('not_found', 'account not found')
          await tx.insert(nodes).values(row)
        })
      } catch (error) {
        throw isDuplicate(error) ? nameTaken(name) : error
      }
      return toNode(row)
    },
    async updateNode(id, patch) {
      m.live()
      const n = await getRow(id)
      if (!n) return null
      const set: Partial<typeof nodes.$inferInsert> = { updatedAt: ctx.now() }
      if (patch.name !== undefined) set.name = checkName(patch.name, 'node name')
      if (patch.baseUrl !== undefined) set.baseUrl = checkBaseUrl(patch.baseUrl)
      if (patch.apiKey !== undefined) {
        set.apiKeyEnc = seal(id, patch.apiKey)
        set.apiKeyHint = apiKeyHint(patch.apiKey)
      }
      if (patch.weight !== undefined) set.weight = checkWeight(patch.weight)
      if (patch.disabled !== undefined) set.disabled = Boolean(patch.disabled)
      if (patch.healthCheckMethod !== undefined) {
        const hasKey = (set.apiKeyEnc !== undefined ? set.apiKeyEnc : n.apiKeyEnc) !== null
        set.healthCheckMethod = checkMethod(patch.healthCheckMethod, hasKey)
      }
      if (patch.healthCheckModel !== undefined) set.healthCheckModel = patch.healthCheckModel
      if (patch.allowPrivate !== undefined) set.allowPrivate = Boolean(patch.allowPrivate)
      try {
        await m.mutate((tx) => tx.update(nodes).set(set).where(eq(nodes.id, id)))
      } catch (error) {
        throw isDuplicate(error) ? nameTaken(set.name ?? '') : error
      }
      const row = await getRow(id)
      return row ? toNode(row) : null
    },
    async deleteNode(id) {
      m.live()
      return m.mutate(async (tx) => {
        const [res] = await tx.delete(nodes).where(eq(nodes.id, id))
        if (res.affectedRows === 0) return false
        await tx.delete(nodeStates).where(eq(nodeStates.nodeId, id))
        await tx.update(accounts).set({ activeNodeId: null }).where(eq(accounts.activeNodeId, id))
        return true
      })
    },
    async getNode(id) {
      const row = await getRow(id)
      return row ? toNode(row) : null
    },
    async listNodes(filter) {
      const rows = await db
        .select()
        .from(nodes)
        .where(filter?.accountId === undefined ? undefined : eq(nodes.accountId, filter.accountId))
        .orderBy(asc(nodes.createdAt), asc(nodes.id))
      return rows.map(toNode)
    },
    async getNodeApiKey(id) {
      const [row] = await db
        .select({ enc: nodes.apiKeyEnc })
        .from(nodes)
        .where(eq(nodes.id, String(id)))
      return row?.enc ? ctx.box.open(row.enc, nodeKeyAad(id)) : null
    },

    async getNodeStates() {
      const rows = await db.select().from(nodeStates).orderBy(asc(nodeStates.nodeId))
      return rows.map((r) => ({ ...r, status: r.status as NodeStatus }))
    },
    async compareAndSetNodeState(nodeId, expectedVersion, next) {
      m.live()
      const values = {
        status: next.status,
        coolingUntil: next.coolingUntil,
        failReason: next.failReason === null ? null : String(next.failReason).slice(0, 1000),
        consecutiveFailures: next.consecutiveFailures,
        lastFailureAt: next.lastFailureAt,
        lastSuccessAt: next.lastSuccessAt,
        lastProbeAt: next.lastProbeAt,
        version: expectedVersion + 1,
      }
      return m.mutate(
        async (tx) => {
          if (expectedVersion === 0) {
            const [node] = await tx.select({ id: nodes.id }).from(nodes).where(eq(nodes.id, nodeId))
            if (!node) return false
            // INSERT IGNORE: of simultaneous first writers exactly one inserts the row.
            const [res] = await tx
              .insert(nodeStates)
              .ignore()
              .values({ nodeId, ...values })
            return res.affectedRows === 1
          }
          const [res] = await tx
            .update(nodeStates)
            .set(values)
            .where(and(eq(nodeStates.nodeId, nodeId), eq(nodeStates.version, expectedVersion)))
          return res.affectedRows === 1
        },
        { bumpIf: (won) => won },
      )
    },
  }
}
