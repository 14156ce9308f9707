import { asc, eq, inArray, sql } from 'drizzle-orm'
import type { NodeStore } from '../interface'
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
import { requireAccount } from './accounts'
import { isDuplicate, type My } from './db'
import { fromNodeDb, toNodeDb } from './node-rows'
import { accounts, nodeStates, nodes } from './schema'

/** Nodes of the MySQL adapter; a name clash in an account is the unique index's. */
export function mysqlNodes(m: My): NodeStore {
  const { db, ctx } = m
  const getRow = async (id: string) => {
    const [row] = await db
      .select()
      .from(nodes)
      .where(eq(nodes.id, String(id)))
    return row ? fromNodeDb(row) : undefined
  }

  const listed = (where: ReturnType<typeof eq> | undefined) =>
    db.select().from(nodes).where(where).orderBy(asc(nodes.createdAt), asc(nodes.id))
  // Built once: every account reload (one per admin change) lists the account's nodes.
  const ofAccount = listed(eq(nodes.accountId, sql.placeholder('accountId'))).prepare()

  return {
    async createNode(input) {
      m.live()
      const row = newNodeRow(ctx, input)
      try {
        await m.mutate(async (tx) => {
          await requireAccount(tx, row.accountId)
          await tx.insert(nodes).values(toNodeDb(row))
        })
      } catch (error) {
        throw isDuplicate(error) ? nodeNameTaken(row.name) : error
      }
      return toNode(row)
    },
    async updateNode(id, patch) {
      m.live()
      const checked = checkNodePatch(patch)
      try {
        const found = await m.mutate(
          async (tx) => {
            // Locked: the key is re-sealed from the URL it was sealed under, not a stale read.
            const [n] = await tx.select().from(nodes).where(eq(nodes.id, id)).for('update')
            if (!n) return false
            const next = patchedNodeRow(ctx.box, fromNodeDb(n), checked, ctx.now())
            const { id: _, ...changes } = toNodeDb(next)
            await tx.update(nodes).set(changes).where(eq(nodes.id, id))
            return true
          },
          { bumpIf: (ok) => ok },
        )
        if (!found) return null
      } catch (error) {
        throw isDuplicate(error) ? nodeNameTaken(checked.name ?? '') : error
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
      const rows =
        filter?.accountId === undefined
          ? await listed(undefined)
          : await ofAccount.execute({ accountId: String(filter.accountId) })
      return rows.map((r) => toNode(fromNodeDb(r)))
    },
    async getNodeApiKey(id) {
      const [row] = await db
        .select({ id: nodes.id, apiKeyEnc: nodes.apiKeyEnc, baseUrl: nodes.baseUrl })
        .from(nodes)
        .where(eq(nodes.id, String(id)))
      return row ? openNodeKey(ctx.box, row) : null
    },
    async getNodeApiKeys(ids) {
      const found = new Map<string, NodeSecretRead<string>>()
      // Bounded IN lists: one query per 1,000 nodes.
      for (let at = 0; at < ids.length; at += 1000) {
        const rows = await db
          .select({ id: nodes.id, apiKeyEnc: nodes.apiKeyEnc, baseUrl: nodes.baseUrl })
          .from(nodes)
          .where(inArray(nodes.id, ids.slice(at, at + 1000).map(String)))
        for (const row of rows)
          found.set(
            row.id,
            openEach(() => openNodeKey(ctx.box, row)),
          )
      }
      return found
    },
    async getNodeExtraHeaders(id) {
      const [row] = await db
        .select({ id: nodes.id, extraHeadersEnc: nodes.extraHeadersEnc, baseUrl: nodes.baseUrl })
        .from(nodes)
        .where(eq(nodes.id, String(id)))
      return row ? openHeaders(ctx.box, row) : null
    },
  }
}
