import { eq } from 'drizzle-orm'
import type { TunnelStore } from '../interface'
import { openTunnel, patchedTunnelRow } from '../rows/tunnel'
import type { My } from './db'
import { tunnelConfig } from './schema'

/** The one row the tunnel config lives in. */
const ROW_ID = 'default'

/** The tunnel config of the MySQL adapter; a patch is merged under a row lock. */
export function mysqlTunnel(m: My): TunnelStore {
  const { db, ctx } = m
  const t = tunnelConfig
  return {
    async getTunnelConfig() {
      const [row] = await db.select().from(t).where(eq(t.id, ROW_ID))
      return row ? openTunnel(ctx.box, row) : null
    },
    async setTunnelConfig(patch) {
      return m.mutate(async (tx) => {
        const [current] = await tx.select().from(t).where(eq(t.id, ROW_ID)).for('update')
        const row = { id: ROW_ID, ...patchedTunnelRow(ctx.box, current, patch, ctx.now()) }
        await tx.insert(t).values(row).onDuplicateKeyUpdate({ set: row })
        return openTunnel(ctx.box, row)
      })
    },
  }
}
