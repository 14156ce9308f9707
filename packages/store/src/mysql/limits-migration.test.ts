import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { oldDataHarness } from '../../test/support/old-data'

// Data written before docs/contract.md §10: keys without limits or a recorded first use.
const old = await oldDataHarness()
const q = old.q
afterAll(() => old.close())

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

describe.skipIf(!old.reachable)('mysql: migration 0003 (limits)', () => {
  it('backfills the first use of keys used before, from their earliest minute rollup', async () => {
    const { db, applied } = await old.databaseBefore('0003')
    expect(applied).toBe(3)
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

    const s = await old.openStore(db)
    const keys = new Map((await s.listProxyKeys(acc)).map((k) => [k.id, k]))
    expect(keys.get(rolled)?.firstUsedAt?.toISOString()).toBe('2026-01-10T08:07:00.000Z')
    expect(keys.get(onlyLastUse)?.firstUsedAt?.toISOString()).toBe('2026-01-14T12:00:00.000Z')
    expect(keys.get(unused)?.firstUsedAt).toBeNull()
    expect(keys.get(unused)?.limits).toEqual({})
    expect((await s.getAccount(acc))?.limits).toEqual({})
  })
})
