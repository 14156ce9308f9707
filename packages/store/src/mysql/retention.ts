import { and, eq, lt, lte } from 'drizzle-orm'
import type { Store } from '../interface'
import { DAY_MS } from '../validate-extras'
import type { Db, My } from './db'
import {
  downloadLinks,
  healthChecks,
  sessions,
  usageBatches,
  usageEvents,
  usageRollups,
} from './schema'

/** Rows deleted per statement, so retention never holds long locks. */
const DELETE_CHUNK = 5000
/** Most statements per table per run (bounds the run; the next run continues). */
const MAX_CHUNKS = 200

type Deletable = { limit(n: number): PromiseLike<[{ affectedRows: number }, unknown]> }

/** Runs a delete in LIMITed chunks until one removes less than a chunk; returns the total. */
async function chunked(del: () => Deletable): Promise<number> {
  let total = 0
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const [res] = await del().limit(DELETE_CHUNK)
    total += res.affectedRows
    if (res.affectedRows < DELETE_CHUNK) break
  }
  return total
}

/**
 * Retention of the MySQL adapter: raw usage, health history, expired sessions and download
 * links, old batch ids.
 */
export function mysqlRetention(m: My): Pick<Store, 'retention'> {
  const db: Db = m.db
  const r = usageRollups
  return {
    async retention(o) {
      const now = m.ctx.clock.now()
      const rawCut = new Date(now - o.usageRawDays * DAY_MS)
      const healthCut = new Date(now - o.healthDays * DAY_MS)
      // Batch ids only guard against ambiguous commits, which resolve within minutes.
      const batchCut = new Date(Math.min(now - DAY_MS, rawCut.getTime()))
      const minuteCut =
        o.minuteRollupDays === undefined ? null : new Date(now - o.minuteRollupDays * DAY_MS)
      const result = {
        usageEvents: await chunked(() => db.delete(usageEvents).where(lt(usageEvents.at, rawCut))),
        healthChecks: await chunked(() =>
          db.delete(healthChecks).where(lt(healthChecks.at, healthCut)),
        ),
        sessions: await chunked(() =>
          db.delete(sessions).where(lte(sessions.expiresAt, new Date(now))),
        ),
        minuteRollups: minuteCut
          ? await chunked(() =>
              db.delete(r).where(and(eq(r.bucket, 'minute'), lt(r.bucketStart, minuteCut))),
            )
          : 0,
        downloadLinks: await chunked(() =>
          db.delete(downloadLinks).where(lte(downloadLinks.expiresAt, new Date(now))),
        ),
      }
      await chunked(() => db.delete(usageBatches).where(lt(usageBatches.createdAt, batchCut)))
      return result
    },
  }
}
