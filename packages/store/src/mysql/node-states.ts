import { and, asc, eq } from 'drizzle-orm'
import type { NodeStateStore } from '../interface'
import { nodeStateRow } from '../rows/node-states'
import type { My } from './db'
import { nodeStates, nodes } from './schema'

/** Node runtime state of the MySQL adapter: each CAS is one conditional write. */
export function mysqlNodeStates(m: My): NodeStateStore {
  const { db } = m
  return {
    async getNodeStates() {
      return db.select().from(nodeStates).orderBy(asc(nodeStates.nodeId))
    },
    async compareAndSetNodeState(nodeId, expectedVersion, next) {
      m.live()
      const row = nodeStateRow(nodeId, next, expectedVersion + 1)
      return m.mutate(
        async (tx) => {
          if (expectedVersion === 0) {
            const [node] = await tx.select({ id: nodes.id }).from(nodes).where(eq(nodes.id, nodeId))
            if (!node) return false
            // INSERT IGNORE: of simultaneous first writers exactly one inserts the row.
            const [res] = await tx.insert(nodeStates).ignore().values(row)
            return res.affectedRows === 1
          }
          const { nodeId: _, ...values } = row
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
