import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import type { UsageEvent } from '../../src/types/usage'
import { contractPart, usageEvent } from '../support/harness'

const T0 = Date.UTC(2026, 0, 15, 10, 30, 0)
const MIN = 60_000

function sum(events: UsageEvent[], f: (e: UsageEvent) => number): number {
  return events.reduce((n, e) => n + f(e), 0)
}

/** The usage writer and usage queries. */
export const usageContract = contractPart('usage', (stores, h) => {
  it('summarises, groups, lists and charts committed events', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const n = await s.createNode({ accountId: a.id, name: 'node-a', baseUrl: 'https://r.test' })
    const { key } = await s.createProxyKey({ accountId: a.id, name: 'key-a' })
    const base = { accountId: a.id, keyId: key.id, nodeId: n.id }
    const events = [
      usageEvent({ ...base, at: new Date(T0) }),
      usageEvent({ ...base, at: new Date(T0 + MIN), model: 'claude-opus-4-5', costUsd: 0.5 }),
      usageEvent({ ...base, at: new Date(T0 + 2 * MIN), status: 529, outputTokens: 0 }),
      usageEvent({ ...base, at: new Date(T0 + 2 * MIN), nodeId: null, status: 0, ttfbMs: null }),
    ]
    for (const e of events) s.usageWriter.enqueue(e)
    await s.usageWriter.flush()
    const { total, groups } = await s.usageSummary({ accountId: a.id })
    expect(total).toMatchObject({
      requests: 4,
      errors: 2,
      inputTokens: 40,
      outputTokens: 60,
      cacheCreationInputTokens: 12,
      cacheCreation5mTokens: 8,
      cacheCreation1hTokens: 4,
      cacheReadInputTokens: 16,
      bytes: 4000,
      durationMsSum: 2000,
      ttfbMsSum: 300,
    })
    expect(total.costUsd).toBeCloseTo(0.500369, 9)
    expect(groups).toEqual([])
    const byModel = await s.usageSummary({ accountId: a.id, groupBy: 'model' })
    expect(byModel.groups.map((g) => [g.key, g.name, g.requests])).toEqual([
      ['claude-sonnet-4-5', 'claude-sonnet-4-5', 3],
      ['claude-opus-4-5', 'claude-opus-4-5', 1],
    ])
    const byNode = await s.usageSummary({ groupBy: 'node' })
    expect(byNode.groups.map((g) => [g.key, g.name, g.requests])).toEqual([
      [n.id, 'node-a', 3],
      ['', null, 1],
    ])
    const byKey = await s.usageSummary({ groupBy: 'key' })
    expect(byKey.groups.map((g) => [g.key, g.name])).toEqual([[key.id, 'key-a']])
    expect((await s.usageSummary({ accountId: 'other' })).total.requests).toBe(0)
    expect((await s.usageSummary({ nodeId: n.id })).total.requests).toBe(3)

    const [listed] = await s.listProxyKeys(a.id)
    expect(listed?.lastUsedAt?.getTime()).toBe(T0 + 2 * MIN)
    const logs = await s.usageLogs({ accountId: a.id, limit: 10 })
    expect(logs.length).toBe(4)
    expect(logs[0]?.at.getTime()).toBe(T0 + 2 * MIN)
    expect(logs.at(-1)).toEqual({
      ...events[0],
      upstreamModel: null,
      pricedBy: null,
      refusal: null,
      refused: null,
      trace: null,
      clientIp: null,
      userAgent: null,
      stream: null,
      keyName: 'key-a',
      nodeName: 'node-a',
    })
    expect((await s.usageLogs({ model: 'claude-opus-4-5', limit: 10 }))[0]?.costUsd).toBe(0.5)
    expect((await s.usageLogs({ limit: 2, offset: 3 })).length).toBe(1)
    expect((await s.usageLogs({ nodeId: n.id, from: new Date(T0 + MIN), limit: 10 })).length).toBe(
      2,
    )

    const series = await s.usageSeries({
      from: new Date(T0),
      to: new Date(T0 + 4 * MIN),
      bucket: 'minute',
    })
    expect(series.map((p) => p.requests)).toEqual([1, 1, 2, 0])
    expect(series[3]?.at.getTime()).toBe(T0 + 3 * MIN)
    const hours = await s.usageSeries({
      accountId: a.id,
      from: new Date(T0),
      to: new Date(T0 + 1),
      bucket: 'hour',
    })
    expect(hours.map((p) => p.requests)).toEqual([4])
    const err = await s
      .usageSeries({ from: new Date(0), to: new Date(T0), bucket: 'minute' })
      .catch((e) => e)
    expect(isStoreError(err, 'invalid')).toBe(true)
  })

  it('gives exact totals for any range across minute, hour and day rollups', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const events: UsageEvent[] = []
    for (let i = 0; i < 300; i++) {
      const at = new Date(T0 + ((i * 7919 * MIN) % (4 * 86_400_000)))
      events.push(usageEvent({ accountId: a.id, at, inputTokens: i, costUsd: i / 1000 }))
    }
    for (const e of events) s.usageWriter.enqueue(e)
    await s.usageWriter.flush()
    const ranges: [number, number][] = [
      [T0 + 17 * MIN, T0 + 3 * 86_400_000 + 5 * MIN],
      [T0 - 86_400_000, T0 + 10 * 86_400_000],
      [T0 + 3_600_000, T0 + 3_660_000],
      [T0 + 86_400_000 + 123 * MIN, T0 + 2 * 86_400_000],
    ]
    for (const [from, to] of ranges) {
      const inRange = events.filter((e) => e.at.getTime() >= from && e.at.getTime() < to)
      const { total } = await s.usageSummary({ from: new Date(from), to: new Date(to) })
      expect(total.requests).toBe(inRange.length)
      expect(total.inputTokens).toBe(sum(inRange, (e) => e.inputTokens))
      expect(total.costUsd).toBeCloseTo(
        sum(inRange, (e) => e.costUsd),
        9,
      )
    }
    expect((await s.usageSummary({})).total.requests).toBe(300)
  })

  it('ignores duplicate request ids', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const e = usageEvent({ accountId: a.id })
    s.usageWriter.enqueue(e)
    s.usageWriter.enqueue({ ...e })
    await s.usageWriter.flush()
    s.usageWriter.enqueue({ ...e })
    await s.usageWriter.flush()
    expect((await s.usageSummary({})).total.requests).toBe(1)
    expect(s.usageWriter.stats().duplicates).toBe(2)
  })

  it('retries while the database is down, then writes everything once', async () => {
    const s = await stores.open({
      usage: { flushTimeoutMs: 600, retryMinMs: 20, retryMaxMs: 100 },
    })
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    await h.setDown(s, true)
    for (let i = 0; i < 20; i++) s.usageWriter.enqueue(usageEvent({ accountId: a.id }))
    const err = await s.usageWriter.flush().catch((e) => e)
    expect(isStoreError(err, 'unavailable')).toBe(true)
    expect(s.usageWriter.stats()).toMatchObject({ pending: 20, written: 0 })
    expect(s.usageWriter.stats().failedFlushes).toBeGreaterThan(0)
    await h.setDown(s, false)
    await s.usageWriter.flush()
    expect(s.usageWriter.stats()).toMatchObject({ pending: 0, written: 20, lastError: null })
    expect((await s.usageSummary({})).total.requests).toBe(20)
  })

  it('drops raw rows beyond the cap but keeps totals exact', async () => {
    const s = await stores.open({
      usage: { maxPending: 10, batchSize: 5, flushTimeoutMs: 300, retryMinMs: 20 },
    })
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    await h.setDown(s, true)
    const events = Array.from({ length: 50 }, (_, i) =>
      usageEvent({ accountId: a.id, inputTokens: i, at: new Date(T0 + i * MIN * 37) }),
    )
    for (const e of events) s.usageWriter.enqueue(e)
    expect(s.usageWriter.stats()).toMatchObject({ pending: 10, dropped: 40 })
    await h.setDown(s, false)
    await s.usageWriter.flush()
    const { total } = await s.usageSummary({ accountId: a.id })
    expect(total.requests).toBe(50)
    expect(total.inputTokens).toBe(sum(events, (e) => e.inputTokens))
    const ranged = await s.usageSummary({ from: new Date(T0), to: new Date(T0 + 25 * MIN * 37) })
    expect(ranged.total.requests).toBe(25)
    expect((await s.usageLogs({ limit: 100 })).length).toBe(10)
  })

  it('flushes on close', async () => {
    const s = await stores.open({ usage: { flushIntervalMs: 60_000 } })
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    for (let i = 0; i < 7; i++) s.usageWriter.enqueue(usageEvent({ accountId: a.id }))
    const reader = await stores.reopen(s)
    await s.close()
    s.usageWriter.enqueue(usageEvent({ accountId: a.id }))
    expect(s.usageWriter.stats()).toMatchObject({ written: 7, rejectedAfterClose: 1 })
    expect((await reader.usageSummary({})).total.requests).toBe(7)
  })
})
