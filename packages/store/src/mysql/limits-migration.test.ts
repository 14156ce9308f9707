import { randomBytes, randomUUID } from 'node:crypto'
import mysql from 'mysql2/promise'
import { afterAll, describe, expect, it } from 'vitest'
import { TEST_SCRYPT, TEST_SECRET_KEY } from '../../test/support/harness'
import { MYSQL_TEST_SERVER, requireServer } from '../../test/support/mysql-harness'
import { migrateBefore } from '../../test/support/partial-migrations'
import { createStore } from '../create-store'
import type { Store } from '../interface'
import { connectionOptions } from './connection'
import { parseMysqlDsn } from './dsn'

// Data written before docs/contract.md §10: keys without limits or a recorded first use.
const SERVER = MYSQL_TEST_SERVER
const reachable = await requireServer(SERVER, process.env.CI)
const server = parseMysqlDsn(SERVER)
const admin =
  reachable === true ? await mysql.createConnection(connectionOptions(server, '')) : null
const created: string[] = []
const stores: Store[] = []

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)))
  for (const db of created) await admin?.query(`DROP DATABASE IF EXISTS ${db}`)
  await admin?.end()
})

async function q(sql: string, params: unknown[] = []): Promise<void> {
  if (!admin) throw new Error('no MySQL server')
  await admin.query(sql, params)
}

const urlOf = (database: string) => {
  const u = new URL(SERVER)
  u.pathname = `/${database}`
  return u.toString()
}

const NOW = '2026-01-15 10:30:00.000'
const ROLLUP_COLUMNS =
  'requests, errors, input_tokens, output_tokens, cache_creation_input_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_input_tokens, cost_usd, bytes, duration_ms_sum, ttfb_ms_sum'

async function insertKey(db: string, accountId: string, lastUsedAt: string | null) {
  const id = randomUUID()
  await q(
    `INSERT INTO ${db}.qcc_proxy_keys (id, account_id, prefix, key_hash, created_at, last_used_at) VALUES (?, ?, 'sk-x', ?, ?, ?)`,
    [id, accountId, randomBytes(32).toString('hex'), NOW, lastUsedAt],
  )
  return id
}
async function insertRollup(
  db: string,
  bucket: string,
  start: string,
  accountId: string,
  keyId: string,
) {
  await q(
    `INSERT INTO ${db}.qcc_usage_rollups (bucket, bucket_start, account_id, node_id, model, key_id, ${ROLLUP_COLUMNS}) VALUES (?, ?, ?, '', 'm', ?, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)`,
    [bucket, start, accountId, keyId],
  )
}

describe.skipIf(reachable !== true)('mysql: migration 0003 (limits)', () => {
  it('backfills the first use of keys used before, from their earliest minute rollup', async () => {
    const db = `qcc_test_${randomBytes(6).toString('hex')}`
    created.push(db)
    expect(await migrateBefore({ ...server, database: db }, '0003')).toBe(3)
    const acc = randomUUID()
    await q(
      `INSERT INTO ${db}.qcc_accounts (id, name, password_hash, created_at, updated_at) VALUES (?, 'old', 'x', ?, ?)`,
      [acc, NOW, NOW],
    )
    const rolled = await insertKey(db, acc, '2026-01-15 09:00:00.000')
    await insertRollup(db, 'minute', '2026-01-10 08:07:00', acc, rolled)
    await insertRollup(db, 'minute', '2026-01-12 08:00:00', acc, rolled)
    await insertRollup(db, 'day', '2026-01-01 00:00:00', acc, rolled)
    const onlyLastUse = await insertKey(db, acc, '2026-01-14 12:00:00.000')
    const unused = await insertKey(db, acc, null)

    const s = await createStore({
      kind: 'mysql',
      url: urlOf(db),
      secretKey: TEST_SECRET_KEY,
      passwordHash: TEST_SCRYPT,
    })
    stores.push(s)
    const keys = new Map((await s.listProxyKeys(acc)).map((k) => [k.id, k]))
    expect(keys.get(rolled)?.firstUsedAt?.toISOString()).toBe('2026-01-10T08:07:00.000Z')
    expect(keys.get(onlyLastUse)?.firstUsedAt?.toISOString()).toBe('2026-01-14T12:00:00.000Z')
    expect(keys.get(unused)?.firstUsedAt).toBeNull()
    expect(keys.get(unused)?.limits).toEqual({})
    expect((await s.getAccount(acc))?.limits).toEqual({})
  })
})
