import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { oldDataHarness } from '../../test/support/old-data'

// Data written before migration 0005 (docs/contract.md §13: sticky policy, unstick, upstream model).
const before = await oldDataHarness()
const q = before.q
afterAll(() => before.close())

const NOW = '2026-01-15 10:30:00.000'
const EVENT_COLUMNS =
  'request_id, batch_id, account_id, key_id, node_id, model, status, attempts, input_tokens, output_tokens, cache_creation_input_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_input_tokens, cost_usd, ttfb_ms, duration_ms, bytes, session_id, partial, at'

describe.skipIf(!before.reachable)('mysql: migration 0005 (sticky policy, unstick)', () => {
  it('leaves old settings, nodes and usage events unset, then stores the new fields', async () => {
    const { db, applied } = await before.databaseBefore('0005')
    expect(applied).toBe(5)
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

    const s = await before.openStore(db)
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
