import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import type { ImportSourceRecord } from '../../src/types/imports'
import { type RollupDelta, zeroCounters } from '../../src/usage/rollup'
import { contractPart, usageEvent } from '../support/harness'

const T0 = Date.UTC(2025, 5, 1, 0, 0, 0)
const MIN = 60_000
const HOUR = 3_600_000
const hex = (c: string) => c.repeat(64)

function source(over: Partial<ImportSourceRecord> = {}): ImportSourceRecord {
  return {
    source: 'qcc_plus',
    table: 'accounts',
    sourceId: '1',
    targetId: 'target-1',
    fingerprint: hex('a'),
    importedAt: new Date(T0),
    ...over,
  }
}

/** What `qcc import` writes (docs/contract.md §14.1): source ids and history in bulk. */
export const importContract = contractPart('import: source ids and history', (stores) => {
  it('remembers source ids per source table and upserts them', async () => {
    const store = await stores.open()
    expect(await store.listImportSources('qcc_plus', 'accounts')).toEqual([])
    await store.putImportSources([
      source({ sourceId: '2', targetId: 't2' }),
      source({ sourceId: '10', targetId: 't10' }),
      source({ table: 'nodes', sourceId: '2', targetId: 'node-2' }),
      source({ source: 'other', sourceId: '2' }),
    ])
    await store.putImportSources([
      source({
        sourceId: '2',
        targetId: 't2b',
        fingerprint: hex('b'),
        importedAt: new Date(T0 + 1),
      }),
      source({ sourceId: '3', targetId: 't3' }),
      source({ sourceId: '3', targetId: 't3-last' }),
    ])
    const accounts = await store.listImportSources('qcc_plus', 'accounts')
    expect(accounts.map((r) => [r.sourceId, r.targetId])).toEqual([
      ['10', 't10'],
      ['2', 't2b'],
      ['3', 't3-last'],
    ])
    expect(accounts[1]).toEqual(
      source({
        sourceId: '2',
        targetId: 't2b',
        fingerprint: hex('b'),
        importedAt: new Date(T0 + 1),
      }),
    )
    expect((await store.listImportSources('qcc_plus', 'nodes')).map((r) => r.targetId)).toEqual([
      'node-2',
    ])
    await store.putImportSources([])
  })

  it('refuses a bad source record and keeps nothing of its call', async () => {
    const store = await stores.open()
    for (const bad of [
      source({ fingerprint: hex('A') }),
      source({ fingerprint: 'abc' }),
      source({ source: 'x'.repeat(33) }),
      source({ table: '' }),
      source({ sourceId: 'x'.repeat(192) }),
      source({ importedAt: new Date(Number.NaN) }),
    ]) {
      const err = await store.putImportSources([source({ sourceId: '9' }), bad]).catch((e) => e)
      expect(isStoreError(err, 'invalid')).toBe(true)
    }
    expect(await store.listImportSources('qcc_plus', 'accounts')).toEqual([])
  })

  it('inserts health checks by id once, over chunk boundaries', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const n = await store.createNode({ accountId: a.id, name: 'n', baseUrl: 'https://r.test' })
    const check = (i: number) => ({
      id: `qccplus-hc-${1_000_000_000 + i}`,
      accountId: a.id,
      nodeId: n.id,
      at: new Date(T0 + i * MIN),
      ok: i % 10 !== 0,
      latencyMs: 100 + i,
      status: i % 10 === 0 ? 502 : 200,
      error: i % 10 === 0 ? 'imported: boom' : null,
      method: 'api',
      source: 'scheduled' as const,
    })
    const checks = Array.from({ length: 1500 }, (_, i) => check(i))
    expect(await store.importHealthChecks(checks)).toBe(1500)
    expect(await store.importHealthChecks(checks.slice(1000))).toBe(0)
    const newest = await store.listHealthChecks({ nodeId: n.id, limit: 2 })
    expect(newest.map((c) => c.id)).toEqual([checks[1499]?.id, checks[1498]?.id])
    const first = await store.listHealthChecks({ nodeId: n.id, to: new Date(T0 + 1) })
    expect(first).toEqual([{ ...checks[0] }])
    const tooLong = { ...check(0), id: 'x'.repeat(37) }
    const err = await store
      .importHealthChecks([{ ...check(0), id: 'fresh' }, tooLong])
      .catch((e) => e)
    expect(isStoreError(err, 'invalid')).toBe(true)
    expect(await store.importHealthChecks([])).toBe(0)
    expect((await store.listHealthChecks({ nodeId: n.id, limit: 2000 })).length).toBe(1500)
  })

  it('imports a usage batch once: events, their rollups and extra rollup deltas', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const { key } = await store.createProxyKey({ accountId: a.id, name: 'imported' })
    const base = { accountId: a.id, keyId: key.id, nodeId: null }
    const failed = usageEvent({
      ...base,
      requestId: 'qccplus-usage-2',
      at: new Date(T0 + 2 * MIN),
      status: 502,
    })
    const events = [
      usageEvent({ ...base, requestId: 'qccplus-usage-1', at: new Date(T0 + MIN), costUsd: 0.25 }),
      failed,
    ]
    // A metrics hour without usage rows, as hour, day and minute deltas (model `unknown`).
    const counters = { ...zeroCounters(), requests: 7, errors: 1, inputTokens: 700 }
    const dims = { accountId: a.id, nodeId: '', model: 'unknown', keyId: key.id }
    const rollups: RollupDelta[] = [
      { ...dims, bucket: 'minute', start: T0 + 5 * HOUR, counters },
      { ...dims, bucket: 'hour', start: T0 + 5 * HOUR, counters },
      { ...dims, bucket: 'day', start: T0, counters },
    ]
    const batch = { id: 'qccplus-usage-1-2', events, rollups }
    expect(await store.importUsageBatch(batch)).toBe(true)
    expect(await store.importUsageBatch(batch)).toBe(false)
    // Another batch id with a request id seen before: that event is skipped.
    const again = {
      id: 'qccplus-usage-2-3',
      events: [{ ...failed, inputTokens: 999 }],
      rollups: [],
    }
    expect(await store.importUsageBatch(again)).toBe(true)

    const { total } = await store.usageSummary({ accountId: a.id })
    expect(total).toMatchObject({
      requests: 9,
      errors: 2,
      inputTokens: 720,
      costUsd: 0.25 + 0.000123,
    })
    const range = { accountId: a.id, from: new Date(T0), to: new Date(T0 + 6 * HOUR) }
    const hours = await store.usageSeries({ ...range, bucket: 'hour' })
    expect(hours.map((p) => p.requests)).toEqual([2, 0, 0, 0, 0, 7])
    const afternoon = await store.usageSummary({ ...range, from: new Date(T0 + 5 * HOUR) })
    expect(afternoon.total.requests).toBe(7)
    expect(await store.usageLog('qccplus-usage-2', a.id)).toMatchObject({
      status: 502,
      inputTokens: 10,
    })
    const logs = await store.usageLogs({ accountId: a.id, limit: 10 })
    expect(logs.map((l) => l.requestId)).toEqual(['qccplus-usage-2', 'qccplus-usage-1'])
  })

  it('normalises imported events and refuses bad batches whole', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const ok = usageEvent({ accountId: a.id, requestId: 'qccplus-usage-9', inputTokens: -5 })
    const bad = [
      { id: '', events: [ok], rollups: [] },
      { id: 'x'.repeat(37), events: [ok], rollups: [] },
      { id: 'b1', events: [ok, { ...ok, requestId: '' }], rollups: [] },
      {
        id: 'b2',
        events: [ok],
        rollups: [
          {
            bucket: 'hour' as const,
            start: T0 + 1,
            accountId: a.id,
            nodeId: '',
            model: 'm',
            keyId: 'k',
            counters: zeroCounters(),
          },
        ],
      },
      {
        id: 'b3',
        events: [ok],
        rollups: [
          {
            bucket: 'day' as const,
            start: T0,
            accountId: a.id,
            nodeId: '',
            model: 'm',
            keyId: 'k',
            counters: { ...zeroCounters(), requests: -1 },
          },
        ],
      },
    ]
    for (const b of bad) {
      const err = await store.importUsageBatch(b).catch((e) => e)
      expect(isStoreError(err, 'invalid'), b.id).toBe(true)
    }
    expect((await store.usageSummary({ accountId: a.id })).total.requests).toBe(0)
    expect(await store.importUsageBatch({ id: 'b1', events: [ok], rollups: [] })).toBe(true)
    expect(await store.usageLog('qccplus-usage-9')).toMatchObject({ inputTokens: 0 })
  })

  it('takes 5,000 events and 20,000 rollup deltas in one batch', async () => {
    const store = await stores.open()
    const a = await store.createAccount({ name: 'a', password: 'pw' })
    const events = Array.from({ length: 5000 }, (_, i) =>
      usageEvent({ accountId: a.id, requestId: `qccplus-usage-${i}`, at: new Date(T0 + i * 1000) }),
    )
    const counters = { ...zeroCounters(), requests: 1 }
    const rollups = Array.from({ length: 20_000 }, (_, i): RollupDelta => ({
      bucket: 'minute',
      start: T0 + 100 * 86_400_000 + i * MIN,
      accountId: a.id,
      nodeId: '',
      model: 'unknown',
      keyId: 'key-1',
      counters,
    }))
    expect(await store.importUsageBatch({ id: 'qccplus-big', events, rollups })).toBe(true)
    const DAY100 = T0 + 100 * 86_400_000
    for (const part of [0, 1]) {
      const minutes = await store.usageSeries({
        accountId: a.id,
        bucket: 'minute',
        from: new Date(DAY100 + part * 10_000 * MIN),
        to: new Date(DAY100 + (part + 1) * 10_000 * MIN),
      })
      expect(minutes.every((p) => p.requests === 1)).toBe(true)
      expect(minutes.length).toBe(10_000)
    }
    const days = await store.usageSeries({
      accountId: a.id,
      bucket: 'day',
      from: new Date(T0),
      to: new Date(T0 + 2 * 86_400_000),
    })
    expect(days.map((d) => d.requests)).toEqual([5000, 0])
    expect((await store.usageLogs({ accountId: a.id, limit: 1 }))[0]?.requestId).toBe(
      'qccplus-usage-4999',
    )
  }, 60_000)
})
