import type { AttemptTrace } from '@qcc/core'
import { expect, it } from 'vitest'
import { isStoreError } from '../../src/errors'
import type { Store } from '../../src/interface'
import { TRACE_ATTEMPTS_MAX, type UsageEvent, type UsageLogFilter } from '../../src/types/usage'
import { contractPart, usageEvent } from '../support/harness'

const T0 = Date.UTC(2026, 0, 15, 10, 30, 0)
const MIN = 60_000

/** One attempt of a trace with every field set; override what the test cares about. */
function attempt(over: Partial<AttemptTrace> = {}): AttemptTrace {
  return {
    nodeId: 'node-1',
    nodeName: 'node one',
    pickedBy: 'tier',
    startedAt: T0,
    status: 200,
    outcome: 'ok',
    errorType: null,
    errorMessage: null,
    ttfbMs: 120,
    durationMs: 900,
    ...over,
  }
}

async function write(s: Store, events: UsageEvent[]): Promise<void> {
  for (const e of events) s.usageWriter.enqueue(e)
  await s.usageWriter.flush()
}

/** The request ids `usageLogs` answers for a filter, newest first. */
async function ids(
  s: Store,
  f: Omit<UsageLogFilter, 'limit'> & { limit?: number },
): Promise<string[]> {
  return (await s.usageLogs({ limit: 100, ...f })).map((e) => e.requestId)
}

/** The request trace of usage rows and the request log's filters (docs/contract.md §12). */
export const usageTraceContract = contractPart('usage trace (docs/contract.md §12)', (stores) => {
  it('round-trips a three-attempt trace in order, with who asked, and answers null without one', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const trace: AttemptTrace[] = [
      attempt({
        nodeId: 'n-1',
        nodeName: 'first',
        pickedBy: 'sticky',
        startedAt: T0 + 1,
        status: 529,
        outcome: 'overloaded',
        errorType: 'overloaded_error',
        errorMessage: 'Overloaded',
        ttfbMs: 40,
        durationMs: 41,
      }),
      attempt({
        nodeId: 'n-2',
        nodeName: 'second',
        pickedBy: 'last_resort',
        startedAt: T0 + 50,
        status: null,
        outcome: 'network',
        errorMessage: 'connect_refused',
        ttfbMs: null,
        durationMs: 3,
      }),
      attempt({ nodeId: 'n-3', nodeName: 'third', pickedBy: 'activated', startedAt: T0 + 60 }),
    ]
    const traced = usageEvent({
      accountId: a.id,
      attempts: 3,
      trace,
      clientIp: '2001:db8::1',
      userAgent: 'claude-cli/1.0',
      stream: true,
      at: new Date(T0),
    })
    const refused = usageEvent({
      accountId: a.id,
      status: 429,
      attempts: 0,
      trace: [],
      refused: 'key.rpm',
      refusal: 'key rpm limit 10 reached',
      stream: false,
      at: new Date(T0 + 1),
    })
    const untraced = usageEvent({ accountId: a.id, at: new Date(T0 + 2) })
    await write(s, [traced, refused, untraced])

    const one = await s.usageLog(traced.requestId)
    expect(one).toMatchObject({
      requestId: traced.requestId,
      attempts: 3,
      clientIp: '2001:db8::1',
      userAgent: 'claude-cli/1.0',
      stream: true,
      refused: null,
    })
    expect(one?.trace).toEqual(trace)
    const [newest, middle, oldest] = await s.usageLogs({ accountId: a.id, limit: 10 })
    expect(oldest).toEqual(one)
    expect(middle).toMatchObject({ trace: [], refused: 'key.rpm', stream: false, clientIp: null })
    expect(newest).toMatchObject({ trace: null, refused: null, stream: null, userAgent: null })
    // A reader's copy: changing it changes nothing stored.
    const first = one?.trace?.[0]
    if (first) first.nodeName = 'changed'
    expect((await s.usageLog(traced.requestId))?.trace?.[0]?.nodeName).toBe('first')
  })

  it('clips over-long trace text and drops entries that cannot be stored', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const long = attempt({
      nodeId: 'n'.repeat(50),
      nodeName: 'm'.repeat(300),
      errorType: 't'.repeat(100),
      errorMessage: 'e'.repeat(500),
      status: 503.4,
      ttfbMs: 10.6,
      durationMs: -5,
      outcome: 'server_error',
    })
    const bad = [
      { ...attempt(), pickedBy: 'random' },
      { ...attempt(), outcome: 'exploded' },
      { ...attempt(), startedAt: Number.NaN },
      { ...attempt(), nodeId: 42 },
      null,
      'attempt',
    ] as unknown as AttemptTrace[]
    const e = usageEvent({
      accountId: a.id,
      trace: [long, ...bad, attempt({ nodeId: 'kept' })],
      clientIp: 'i'.repeat(60),
      userAgent: 'u'.repeat(400),
      refused: 'r'.repeat(60),
      stream: 'yes' as unknown as boolean,
    })
    const many = usageEvent({
      accountId: a.id,
      trace: Array.from({ length: 30 }, (_, i) => attempt({ nodeId: `n-${i}` })),
      at: new Date(T0 + 1),
    })
    await write(s, [e, many])

    const got = await s.usageLog(e.requestId)
    expect(got?.trace).toEqual([
      attempt({
        nodeId: 'n'.repeat(36),
        nodeName: 'm'.repeat(128),
        errorType: 't'.repeat(64),
        errorMessage: 'e'.repeat(200),
        status: 503,
        ttfbMs: 11,
        durationMs: 0,
        outcome: 'server_error',
      }),
      attempt({ nodeId: 'kept' }),
    ])
    expect(got).toMatchObject({
      clientIp: 'i'.repeat(45),
      userAgent: 'u'.repeat(256),
      refused: 'r'.repeat(48),
      stream: null,
    })
    const kept = (await s.usageLog(many.requestId))?.trace ?? []
    expect(kept.map((x) => x.nodeId)).toEqual(
      Array.from({ length: TRACE_ATTEMPTS_MAX }, (_, i) => `n-${i}`),
    )
  })

  it('filters by key, session, request id, status and refusal, combined with model, node and time', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const n = await s.createNode({ accountId: a.id, name: 'node-a', baseUrl: 'https://r.test' })
    const k1 = (await s.createProxyKey({ accountId: a.id, name: 'k1' })).key.id
    const k2 = (await s.createProxyKey({ accountId: a.id, name: 'k2' })).key.id
    const at = (i: number) => new Date(T0 + i * MIN)
    const base = { accountId: a.id, keyId: k1, nodeId: n.id }
    const rows = {
      ok: usageEvent({ ...base, sessionId: 's1', status: 200, at: at(0) }),
      created: usageEvent({ ...base, sessionId: 's1', status: 201, at: at(1), model: 'opus' }),
      bad: usageEvent({ ...base, keyId: k2, sessionId: 's2', status: 400, at: at(2) }),
      limited: usageEvent({
        ...base,
        nodeId: null,
        status: 429,
        refused: 'key.rpm',
        refusal: 'key rpm limit reached',
        at: at(3),
      }),
      // A refusal written before `refused` was recorded still counts as refused.
      oldRefusal: usageEvent({ ...base, keyId: k2, status: 403, refusal: 'expired', at: at(4) }),
      down: usageEvent({ ...base, sessionId: 's2', status: 503, at: at(5), model: 'opus' }),
      overloaded: usageEvent({ ...base, keyId: k2, status: 529, at: at(6) }),
      gone: usageEvent({ ...base, status: 499, at: at(7) }),
      none: usageEvent({ ...base, nodeId: null, status: 0, at: at(8) }),
    }
    await write(s, Object.values(rows))
    const other = await s.createAccount({ name: 'b', password: 'pw' })
    await write(s, [usageEvent({ accountId: other.id, keyId: k1, sessionId: 's1', at: at(0) })])
    const r = (...names: (keyof typeof rows)[]) => names.map((x) => rows[x].requestId)
    const acc = { accountId: a.id }

    expect(await ids(s, { ...acc, keyId: k2 })).toEqual(r('overloaded', 'oldRefusal', 'bad'))
    expect(await ids(s, { ...acc, sessionId: 's1' })).toEqual(r('created', 'ok'))
    expect(await ids(s, { sessionId: 's2' })).toEqual(r('down', 'bad'))
    expect(await ids(s, { requestId: rows.bad.requestId })).toEqual(r('bad'))
    expect(await ids(s, { requestId: rows.bad.requestId, accountId: other.id })).toEqual([])
    expect(await ids(s, { requestId: 'unknown' })).toEqual([])
    expect(await ids(s, { ...acc, status: '2xx' })).toEqual(r('created', 'ok'))
    expect(await ids(s, { ...acc, status: '4xx' })).toEqual(
      r('gone', 'oldRefusal', 'limited', 'bad'),
    )
    expect(await ids(s, { ...acc, status: '5xx' })).toEqual(r('overloaded', 'down'))
    expect(await ids(s, { ...acc, status: 'error' })).toEqual(
      r('none', 'gone', 'overloaded', 'down', 'oldRefusal', 'limited', 'bad'),
    )
    expect(await ids(s, { ...acc, status: 429 })).toEqual(r('limited'))
    expect(await ids(s, { ...acc, status: 0 })).toEqual(r('none'))
    expect(await ids(s, { ...acc, refused: true })).toEqual(r('oldRefusal', 'limited'))
    expect(await ids(s, { ...acc, refused: false })).toHaveLength(9)

    expect(await ids(s, { ...acc, model: 'opus', status: 'error' })).toEqual(r('down'))
    expect(await ids(s, { ...acc, nodeId: n.id, status: '4xx' })).toEqual(
      r('gone', 'oldRefusal', 'bad'),
    )
    expect(await ids(s, { ...acc, nodeId: n.id, refused: true })).toEqual(r('oldRefusal'))
    expect(await ids(s, { ...acc, keyId: k1, status: 'error', from: at(3), to: at(8) })).toEqual(
      r('gone', 'down', 'limited'),
    )
    expect(await ids(s, { ...acc, keyId: k2, sessionId: 's2', status: '4xx' })).toEqual(r('bad'))
    expect(await ids(s, { ...acc, status: 'error', limit: 2, offset: 1 })).toEqual(
      r('gone', 'overloaded'),
    )
    const err = await s.usageLogs({ limit: 10, status: '3xx' as '2xx' }).catch((x) => x)
    expect(isStoreError(err, 'invalid')).toBe(true)
  })

  it('answers one request by id, never another account’s, with its key and node names', async () => {
    const s = await stores.open()
    const a = await s.createAccount({ name: 'a', password: 'pw' })
    const b = await s.createAccount({ name: 'b', password: 'pw' })
    const n = await s.createNode({ accountId: a.id, name: 'node-a', baseUrl: 'https://r.test' })
    const gone = await s.createNode({ accountId: a.id, name: 'gone', baseUrl: 'https://g.test' })
    const { key } = await s.createProxyKey({ accountId: a.id, name: 'key-a' })
    const served = usageEvent({ accountId: a.id, keyId: key.id, nodeId: n.id, at: new Date(T0) })
    const orphan = usageEvent({
      accountId: a.id,
      keyId: 'deleted-key',
      nodeId: gone.id,
      at: new Date(T0 + 1),
    })
    const unserved = usageEvent({ accountId: a.id, keyId: key.id, at: new Date(T0 + 2) })
    await write(s, [served, orphan, unserved])
    expect(await s.deleteNode(gone.id)).toBe(true)

    expect(await s.usageLog(served.requestId, a.id)).toMatchObject({
      requestId: served.requestId,
      keyName: 'key-a',
      nodeName: 'node-a',
    })
    expect(await s.usageLog(served.requestId, b.id)).toBeNull()
    expect(await s.usageLog('unknown')).toBeNull()
    expect(await s.usageLog(orphan.requestId)).toMatchObject({
      nodeId: gone.id,
      nodeName: null,
      keyName: null,
    })
    const logs = await s.usageLogs({ accountId: a.id, limit: 10 })
    expect(logs.map((e) => [e.keyName, e.nodeName])).toEqual([
      ['key-a', null],
      [null, null],
      ['key-a', 'node-a'],
    ])
    expect(await s.usageLog(served.requestId)).toEqual(logs[2])
  })
})
