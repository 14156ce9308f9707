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

// Data written before migration 0005 (docs/contract.md §13: sticky policy, unstick, upstream model).
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
const EVENT_COLUMNS =
  'request_id, batch_id, account_id, key_id, node_id, model, status, attempts, input_tokens, output_tokens, cache_creation_input_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_input_tokens, cost_usd, ttfb_ms, duration_ms, bytes, session_id, partial, at'

describe.skipIf(reachable !== true)('mysql: migration 0005 (sticky policy, unstick)', () => {
  it('leaves old settings, nodes and usage events unset, then stores the new fields', async () => {
    const db = `qcc_test_${randomBytes(6).toString('hex')}`
    created.push(db)
    expect(await migrateBefore({ ...server, database: db }, '0005')).toBe(5)
    const acc = randomUUID()
    const node = randomUUID()
    await q(
      `INSERT INTO ${db}.qcc_accounts (id, name, password_hash, created_at, updated_at) VALUES (?, 'old', 'x', ?, ?)`,
      [acc, NOW, NOW],
    )
    await q(
      `INSERT INTO ${db}.qcc_account_settings (account_id, retries, sticky_ttl_sec, updated_at) VALUES (?, 4, 60, ?)`,
      [acc, NOW],
    )
    await q(
      `INSERT INTO ${db}.qcc_nodes (id, account_id, name, base_url, health_check_method, created_at, updated_at) VALUES (?, ?, 'n', 'https://r.test', 'head', ?, ?)`,
      [node, acc, NOW, NOW],
    )
    await q(
      `INSERT INTO ${db}.qcc_usage_events (${EVENT_COLUMNS}) VALUES ('r1', ?, ?, ?, ?, 'claude-sonnet-4-5', 200, 1, 1, 1, 0, 0, 0, 0, 0, NULL, 5, 10, NULL, false, ?)`,
      [randomUUID(), acc, randomUUID(), node, NOW],
    )

    const s = await createStore({
      kind: 'mysql',
      url: urlOf(db),
      secretKey: TEST_SECRET_KEY,
      passwordHash: TEST_SCRYPT,
    })
    stores.push(s)
    expect((await s.getAccount(acc))?.settings).toEqual({
      retryMax: 4,
      failThreshold: null,
      healthIntervalMs: null,
      stickyTtlMs: 60_000,
      stickyPolicy: null,
      stickyBreakTtfbMs: null,
    })
    expect((await s.getNode(node))?.unstuckAt).toBeNull()
    const [old] = await s.usageLogs({ accountId: acc, limit: 10 })
    expect(old).toMatchObject({ requestId: 'r1', model: 'claude-sonnet-4-5', upstreamModel: null })

    const u = await s.updateAccount(acc, {
      settings: { stickyPolicy: 'cost_first', stickyBreakTtfbMs: 3000 },
    })
    expect(u?.settings).toMatchObject({
      retryMax: 4,
      stickyPolicy: 'cost_first',
      stickyBreakTtfbMs: 3000,
    })
    const at = new Date('2026-01-16T00:00:00.123Z')
    expect((await s.updateNode(node, { unstuckAt: at }))?.unstuckAt?.toISOString()).toBe(
      at.toISOString(),
    )
  })
})
