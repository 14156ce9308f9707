import { and, asc, eq } from 'drizzle-orm'
import { nodeKeyAad, sealedKeyAfterUpdate } from '../crypto/node-key'
import { apiKeyHint, newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { Store } from '../interface'
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
  const seal = (id: string, baseUrl: string, key: string | null | undefined) =>
    key ? ctx.box.seal(key, nodeKeyAad(id, baseUrl)) : null
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
      const baseUrl = checkBaseUrl(input.baseUrl)
      const row = {
        id,
        accountId: input.accountId,
        name,
        baseUrl,
        apiKeyEnc: seal(id, baseUrl, input.apiKey),
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
      const set: Partial<typeof nodes.$inferInsert> = { updatedAt: ctx.now() }
      if (patch.name !== undefined) set.name = checkName(patch.name, 'node name')
      if (patch.baseUrl !== undefined) set.baseUrl = checkBaseUrl(patch.baseUrl)
      if (patch.apiKey !== undefined) set.apiKeyHint = apiKeyHint(patch.apiKey)
      if (patch.weight !== undefined) set.weight = checkWeight(patch.weight)
      if (patch.disabled !== undefined) set.disabled = Boolean(patch.disabled)
      if (patch.healthCheckModel !== undefined) set.healthCheckModel = patch.healthCheckModel
      if (patch.allowPrivate !== undefined) set.allowPrivate = Boolean(patch.allowPrivate)
      if (patch.managed !== undefined) set.managed = Boolean(patch.managed)
      try {
        const found = await m.mutate(
          async (tx) => {
            // Locked: the key is re-sealed from the URL it was sealed under, not a stale read.
            const [n] = await tx.select().from(nodes).where(eq(nodes.id, id)).for('update')
            if (!n) return false
            set.apiKeyEnc = sealedKeyAfterUpdate(
              ctx.box,
              { id, baseUrl: n.baseUrl, sealed: n.apiKeyEnc },
              { baseUrl: set.baseUrl, apiKey: patch.apiKey },
            )
            if (patch.healthCheckMethod !== undefined) {
              set.healthCheckMethod = checkMethod(patch.healthCheckMethod, set.apiKeyEnc !== null)
            }
            await tx.update(nodes).set(set).where(eq(nodes.id, id))
            return true
          },
          { bumpIf: (ok) => ok },
        )
        if (!found) return null
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
        .select({ enc: nodes.apiKeyEnc, baseUrl: nodes.baseUrl })
        .from(nodes)
        .where(eq(nodes.id, String(id)))
      return row?.enc ? ctx.box.open(row.enc, nodeKeyAad(id, row.baseUrl)) : null
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
