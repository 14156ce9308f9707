import { drizzle } from 'drizzle-orm/mysql2'
import { describe, expect, it } from 'vitest'
import { TEST_SECRET_KEY, usageEvent } from '../../test/support/harness'
import { mysqlHarnessForFile } from '../../test/support/mysql-harness'
import { makeContext } from '../config'
import { newId } from '../crypto/tokens'
import { createPool } from './connection'
import { parseMysqlDsn } from './dsn'
import * as schema from './schema'
import { mysqlUsageSink } from './usage'

const { env, label } = await mysqlHarnessForFile()

describe.skipIf(!env)(`mysql usage sink (${label})`, () => {
  it('counts a batch retried after an ambiguous commit once', async () => {
    if (!env) return
    // The store migrates the database and reads it back; the sink writes on a pool of its own.
    const store = await env.harness.open()
    const pool = createPool(parseMysqlDsn(env.url), 2)
    try {
      const sink = mysqlUsageSink({
        db: drizzle(pool, { schema, mode: 'default' }),
        ctx: makeContext({ secretKey: TEST_SECRET_KEY }),
      })
      const acc = await store.createAccount({ name: 's', password: 'pw' })
      const events = [usageEvent({ accountId: acc.id }), usageEvent({ accountId: acc.id })]
      const batch = { id: newId(), events, overflow: [] }
      await sink.writeBatch(batch)
      await sink.writeBatch(batch)
      await sink.writeBatch({ ...batch, id: newId() })
      expect((await store.usageSummary({ accountId: acc.id })).total.requests).toBe(2)
      const keyed = await store.usageLogs({ limit: 10 })
      expect(keyed.map((e) => e.requestId).sort()).toEqual(events.map((e) => e.requestId).sort())
    } finally {
      await store.close()
      await pool.end()
    }
  })
})
