import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { oldDataHarness, type OldDataHarness } from '../../test/support/old-data'
import { usageEvent } from '../../test/support/harness'

// Usage rows written before migration 0006 (docs/contract.md §12.1: the request trace).
const before: OldDataHarness = await oldDataHarness()
const q = before.q
afterAll(() => before.close())

const NOW = '2026-01-15 10:30:00.000'
const EVENT_COLUMNS =
  'request_id, batch_id, account_id, key_id, node_id, model, upstream_model, status, attempts, input_tokens, output_tokens, cache_creation_input_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens, cache_read_input_tokens, cost_usd, ttfb_ms, duration_ms, bytes, session_id, partial, refusal, at'

describe.skipIf(!before.reachable)('mysql: migration 0006 (request trace)', () => {
  it('keeps old usage rows readable without a trace, then stores traced ones beside them', async () => {
    const { db, applied } = await before.databaseBefore('0006')
    expect(applied).toBe(6)
    const acc = randomUUID()
    const node = randomUUID()
    await q(
      `INSERT INTO ${db}.qcc_accounts (id, name, password_hash, created_at, updated_at) VALUES (?, 'old', 'x', ?, ?)`,
      [acc, NOW, NOW],
    )
    await q(
      `INSERT INTO ${db}.qcc_nodes (id, account_id, name, base_url, health_check_method, created_at, updated_at) VALUES (?, ?, 'old-node', 'https://r.test', 'head', ?, ?)`,
      [node, acc, NOW, NOW],
    )
    const row = `(?, ?, ?, ?, ?, 'claude-sonnet-4-5', NULL, ?, ?, 1, 1, 0, 0, 0, 0, 0, NULL, 5, 10, 's1', false, ?, ?)`
    await q(`INSERT INTO ${db}.qcc_usage_events (${EVENT_COLUMNS}) VALUES ${row}, ${row}`, [
      ...['r1', randomUUID(), acc, randomUUID(), node, 200, 2, null, NOW],
      ...['r2', randomUUID(), acc, randomUUID(), null, 429, 0, 'key rpm limit 10 reached', NOW],
    ])

    const s = await before.openStore(db)
    const old = await s.usageLog('r1', acc)
    expect(old).toMatchObject({
      requestId: 'r1',
      attempts: 2,
      nodeName: 'old-node',
      keyName: null,
      trace: null,
      clientIp: null,
      userAgent: null,
      stream: null,
      refused: null,
    })
    // A refusal of an older version is found by the refusal filter without `refused`.
    const refused = await s.usageLogs({ accountId: acc, refused: true, limit: 10 })
    expect(refused.map((e) => [e.requestId, e.refused, e.refusal])).toEqual([
      ['r2', null, 'key rpm limit 10 reached'],
    ])
    expect(
      (await s.usageLogs({ sessionId: 's1', status: 'error', limit: 10 })).map((e) => e.requestId),
    ).toEqual(['r2'])

    const trace = [
      {
        nodeId: node,
        nodeName: 'old-node',
        pickedBy: 'tier' as const,
        startedAt: Date.UTC(2026, 0, 16),
        status: 200,
        outcome: 'ok' as const,
        errorType: null,
        errorMessage: null,
        ttfbMs: 5,
        durationMs: 9,
      },
    ]
    const fresh = usageEvent({ accountId: acc, nodeId: node, trace, stream: true, at: new Date() })
    s.usageWriter.enqueue(fresh)
    await s.usageWriter.flush()
    expect(await s.usageLog(fresh.requestId)).toMatchObject({ trace, stream: true })
  })
})
