import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/mysql2'
import { makeContext, type MysqlStoreConfig, type StoreContext } from '../config'
import { StoreError } from '../errors'
import type { Store } from '../interface'
import { BatchingUsageWriter } from '../usage/writer'
import { mysqlAccounts } from './accounts'
import { mysqlAudit } from './audit'
import { createPool, describeDsn } from './connection'
import { dbErrorCode, type Db, guard, type My, toStoreError } from './db'
import { mysqlDownloadLinks } from './download-links'
import { parseMysqlDsn } from './dsn'
import { mysqlHealthChecks } from './health-checks'
import { mysqlImports } from './imports'
import { migrateDatabase } from './migrate'
import { upgradeNodeKeyAad } from './node-key-upgrade'
import { mysqlNodeStates } from './node-states'
import { mysqlBulk } from './bulk'
import { mysqlNodes } from './nodes'
import { mysqlNotifications } from './notifications'
import { mysqlPrices, seedMysqlPrices } from './prices'
import { loadKeyIndex, mysqlProxyKeys } from './proxy-keys'
import { mysqlRetention } from './retention'
import * as schema from './schema'
import { meta } from './schema'
import { mysqlSessions } from './sessions'
import { mysqlShareLinks } from './share-links'
import { mysqlTunnel } from './tunnel'
import { mysqlUsageQueries, mysqlUsageSink } from './usage'
import { OwnChangeVersions } from '../own-changes'

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref())

// LAST_INSERT_ID(expr) hands the new value back in the statement's OK packet (`insertId`): the
// bump tells which version it made without another round trip.
const BUMP = sql`UPDATE qcc_meta SET num = LAST_INSERT_ID(num + 1) WHERE name = 'change_version'`

async function readVersion(db: Db): Promise<number> {
  const [row] = await db.select({ num: meta.num }).from(meta).where(eq(meta.name, 'change_version'))
  return Number(row?.num ?? 0)
}

/**
 * Stores the check value on first open (unless `readOnly`: a dry run writes nothing, so a
 * database without one proves nothing yet); afterwards proves the configured key is the same.
 */
async function checkSecretKey(db: Db, ctx: StoreContext, readOnly: boolean): Promise<void> {
  if (!readOnly) {
    await db.insert(meta).ignore().values({ name: 'secret_check', value: ctx.box.checkValue() })
  }
  const [row] = await db.select().from(meta).where(eq(meta.name, 'secret_check'))
  if (row || !readOnly) ctx.box.verifyCheck(row?.value ?? '')
}

/**
 * The MySQL/MariaDB adapter: applies migrations (under GET_LOCK; with `migrate: false` none, and
 * opening writes nothing), checks the secret key, re-seals
 * node keys of older versions under their origin (once per database), loads
 * the proxy-key index and polls the change version so changes from other replicas arrive
 * within `pollIntervalMs`.
 */
export async function createMysqlStore(config: MysqlStoreConfig): Promise<Store> {
  const ctx = makeContext(config)
  const dsn = parseMysqlDsn(config.url)
  if (!dsn.database) throw new StoreError('invalid', 'PROXY_MYSQL_DSN names no database')
  // Without migrating, opening writes nothing at all (`qcc import --dry-run`, docs/contract.md
  // §14.1): no check value, no node-key re-seal, no price seed.
  const readOnly = config.migrate === false
  if (!readOnly) await migrateDatabase(dsn)
  const pool = createPool(dsn, config.pool?.connectionLimit ?? 10)
  const db = drizzle(pool, { schema, mode: 'default' })
  let version = 0
  try {
    await checkSecretKey(db, ctx, readOnly)
    if (!readOnly) {
      await upgradeNodeKeyAad(db, ctx.box)
      await seedMysqlPrices(db, ctx)
    }
    ctx.keys.replace(await loadKeyIndex(db))
    version = await readVersion(db)
  } catch (error) {
    await pool.end().catch(() => undefined)
    if (dbErrorCode(error) === 'ER_NO_SUCH_TABLE') {
      throw new StoreError('invalid', `no qcc schema in ${describeDsn(dsn)}: run "qcc migrate"`)
    }
    throw toStoreError(error)
  }

  let closed = false
  let refreshing: Promise<void> = Promise.resolve()
  // Refreshes (and in-place patches) run one after another, so the last one applied is the last
  // one started. A failed one (database down) must not stop the ones after it.
  const queueKeys = (step: () => void | Promise<void>) => {
    refreshing = refreshing.catch(() => undefined).then(step)
    return refreshing
  }
  const refreshKeys = () => queueKeys(async () => ctx.keys.replace(await loadKeyIndex(db)))
  // Versions this handle's commits made: its own changes are in the key index at once (each
  // mutation reloads or patches it, or has nothing for it), so the poll reloads only for others'.
  const own = new OwnChangeVersions()
  // Set when an own change committed but its index update failed: the poll then reloads anyway.
  let keysStale = false
  const m: My = {
    ctx,
    db,
    async mutate(fn, options) {
      let bumped: number | undefined
      const result = await db.transaction(async (tx) => {
        const r = await fn(tx)
        if (!options?.bumpIf || options.bumpIf(r)) {
          const [header] = (await tx.execute(BUMP)) as unknown as [{ insertId?: number }]
          bumped = Number(header?.insertId ?? 0) || undefined
        }
        return r
      })
      if (bumped !== undefined) own.add(bumped)
      const keys = options?.keys
      try {
        if (typeof keys === 'function') await queueKeys(() => keys(ctx.keys, result))
        else if (keys) await refreshKeys()
      } catch (error) {
        keysStale = true
        throw error
      }
      return result
    },
    live() {
      if (closed) throw new StoreError('closed', 'store is closed')
    },
  }

  let polling = false
  const poll = setInterval(async () => {
    if (polling || closed) return
    polling = true
    try {
      const v = await readVersion(db)
      if (v !== version || keysStale) {
        if (keysStale || !own.onlyOwn(version, v)) {
          keysStale = false
          await refreshKeys()
        }
        version = v
      }
    } catch {
      // The database is down: keep serving from the last index; the next poll retries.
      keysStale = true
    } finally {
      polling = false
    }
  }, config.pollIntervalMs ?? 2000)
  poll.unref()

  const usageSink = mysqlUsageSink(m)
  const usageWriter = new BatchingUsageWriter(usageSink, config.usage)
  const methods = guard({
    ...mysqlAccounts(m),
    ...mysqlProxyKeys(m),
    ...mysqlSessions(m),
    ...mysqlNodes(m),
    ...mysqlBulk(m),
    ...mysqlNodeStates(m),
    ...mysqlUsageQueries(m),
    ...mysqlHealthChecks(m),
    ...mysqlPrices(m),
    ...mysqlShareLinks(m),
    ...mysqlDownloadLinks(m),
    ...mysqlNotifications(m),
    ...mysqlAudit(m),
    ...mysqlTunnel(m),
    ...mysqlImports(m, usageSink),
    ...mysqlRetention(m),
    changeVersion: () => readVersion(db),
    async ping() {
      m.live()
      await db.execute(sql`SELECT 1`)
    },
  })
  return {
    kind: 'mysql',
    ...methods,
    resolveProxyKey: (secret) => ctx.keys.resolve(secret),
    // Outside `guard`: synchronous, it reads no database.
    onlyOwnChanges: (from, to) => own.onlyOwn(from, to),
    usageWriter,
    async close() {
      if (closed) return
      closed = true
      clearInterval(poll)
      try {
        await usageWriter.close()
      } finally {
        await refreshing.catch(() => undefined)
        // A pool whose server vanished can hang on QUIT: bound the wait.
        await Promise.race([pool.end().catch(() => undefined), sleep(5000)])
      }
    },
  }
}
