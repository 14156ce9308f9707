import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/mysql2'
import { describe, expect, it } from 'vitest'
import { TEST_SECRET_KEY, usageEvent } from '../../test/support/harness'
import { mysqlHarnessForFile } from '../../test/support/mysql-harness'
import { makeContext } from '../config'
import { newId } from '../crypto/tokens'
import { createPool } from './connection'
import { parseMysqlDsn } from './dsn'
import * as schema from './schema'
import { mysqlUsageSink, seriesRollupWhere, summaryRollupWhere } from './usage'

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

describe.skipIf(!env)(`mysql usage query plans (${label})`, () => {
  it("reads one account's rollups through its index, not every account's", async () => {
    if (!env) return
    const store = await env.harness.open()
    const pool = createPool(parseMysqlDsn(env.url), 2)
    try {
      const db = drizzle(pool, { schema, mode: 'default' })
      // 200 accounts × 30 days of day rollups: enough rows for the optimizer to choose.
      const day = Date.UTC(2026, 0, 1)
      const rows = []
      for (let a = 0; a < 200; a++) {
        for (let d = 0; d < 30; d++) {
          rows.push(
            `('day', '${new Date(day + d * 86_400_000).toISOString().slice(0, 19).replace('T', ' ')}', 'acc-${a}', '', 'm', 'key-${a}', 1, 0, 1, 1, 0, 0, 0, 0, 0.000001, 1, 1, 1)`,
          )
        }
      }
      await pool.query(
        `INSERT INTO qcc_usage_rollups (bucket, bucket_start, account_id, node_id, model, key_id, requests, errors, input_tokens, output_tokens, cache_creation_input_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_input_tokens, cost_usd, bytes, duration_ms_sum, ttfb_ms_sum) VALUES ${rows.join(',')}`,
      )
      await pool.query('ANALYZE TABLE qcc_usage_rollups')
      const explain = async (where: ReturnType<typeof summaryRollupWhere>) => {
        const q = db
          .select({ n: sql`COUNT(*)` })
          .from(schema.usageRollups)
          .where(where ?? undefined)
          .toSQL()
        const [plan] = (await pool.query(`EXPLAIN ${q.sql}`, q.params)) as unknown as [
          Array<{ key: string | null; rows: number }>,
        ]
        return plan[0]
      }
      const from = new Date(day)
      const to = new Date(day + 30 * 86_400_000)
      const account = await explain(summaryRollupWhere({ accountId: 'acc-7', from, to }))
      expect(account?.key).toBe('qcc_usage_rollups_account_idx')
      expect(Number(account?.rows)).toBeLessThan(100)
      // `/key/status` names the key's account as well.
      const key = await explain(
        summaryRollupWhere({ accountId: 'acc-7', keyId: 'key-7', from, to }),
      )
      expect(key?.key).toBe('qcc_usage_rollups_account_idx')
      const series = await explain(
        seriesRollupWhere({ accountId: 'acc-7', bucket: 'day', from, to }),
      )
      expect(series?.key).toBe('qcc_usage_rollups_account_idx')
      // The sums are still the rollups' own.
      expect((await store.usageSummary({ accountId: 'acc-7', from, to })).total.requests).toBe(30)
    } finally {
      await store.close()
      await pool.end()
    }
  })
})
