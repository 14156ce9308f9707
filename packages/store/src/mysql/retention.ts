import { and, eq, lt, lte } from 'drizzle-orm'
import type { RetentionStore } from '../interface'
import { retentionCutoffs } from '../rows/retention'
import type { My } from './db'
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
export function mysqlRetention(m: My): RetentionStore {
  const { db, ctx } = m
  const r = usageRollups
  return {
    async retention(o) {
      const cut = retentionCutoffs(ctx.clock.now(), o)
      const at = (ms: number) => new Date(ms)
      const minuteCut = cut.minuteRollups
      const result = {
        usageEvents: await chunked(() =>
          db.delete(usageEvents).where(lt(usageEvents.at, at(cut.usage))),
        ),
        healthChecks: await chunked(() =>
          db.delete(healthChecks).where(lt(healthChecks.at, at(cut.health))),
        ),
        sessions: await chunked(() =>
          db.delete(sessions).where(lte(sessions.expiresAt, at(cut.now))),
        ),
        minuteRollups:
          minuteCut === null
            ? 0
            : await chunked(() =>
                db.delete(r).where(and(eq(r.bucket, 'minute'), lt(r.bucketStart, at(minuteCut)))),
              ),
        downloadLinks: await chunked(() =>
          db.delete(downloadLinks).where(lte(downloadLinks.expiresAt, at(cut.now))),
        ),
      }
      await chunked(() =>
        db.delete(usageBatches).where(lt(usageBatches.createdAt, at(cut.batches))),
      )
      return result
    },
  }
}
