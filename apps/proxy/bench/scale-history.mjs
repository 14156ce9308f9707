// The history part of `pnpm bench:scale` (apps/proxy/bench/README.md): usage rows over 30 days and 1,000 accounts,
// seeded through the store in bulk (`importUsageBatch`, 5,000 events a batch, rollups derived as
// the usage writer derives them), grown level by level (1, 10, 30 million by default). At each
// level the built proxy runs on the database under load while 10 clients at a time ask the
// console's queries, for one account and for an admin over all; then retention deletes the
// oldest day while single usage rows are written, and the longest write is the stall.
import { join } from 'node:path'
import { createStore } from '@qcc/store'
import { PROXY_KEY, adminSession, startQccProxy } from './qcc.mjs'
import { fixed, median, sleep, waitReady, wrkPost } from './scale-load.mjs'
import { SECRET_HEX } from './scale-fleet.mjs'

export const HISTORY_GOALS = { medianMs: 100, p95Ms: 300, stallMs: 100 }
const DAY_MS = 86_400_000
const SPAN_MS = 30 * DAY_MS
const BATCH = 5000
const ACCOUNTS = 1000
const MODELS = ['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5', 'claude-sonnet-4-6']
const ADMIN_PASSWORD = 'scale-history-admin-1'

/** A deterministic pseudo-random generator (the same rows for the same level). */
function rng(seed) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function usageRow(i, fleet, now, rand) {
  const a = fleet[Math.floor(rand() * fleet.length)]
  const at = now - SPAN_MS + Math.floor(rand() * (SPAN_MS - 60_000))
  const failed = rand() < 0.02
  const input = 20 + Math.floor(rand() * 4000)
  return {
    requestId: `hist-${i}`,
    accountId: a.accountId,
    keyId: a.keys[0].id,
    nodeId: a.nodeIds[0],
    model: MODELS[i % MODELS.length],
    status: failed ? 529 : 200,
    attempts: 1,
    inputTokens: input,
    outputTokens: failed ? 0 : 50 + Math.floor(rand() * 800),
    cacheCreationInputTokens: 0,
    cacheCreation5mTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadInputTokens: Math.floor(rand() * 20_000),
    costUsd: Math.round(input * 3) / 1e6,
    pricedBy: 'table',
    ttfbMs: 300 + Math.floor(rand() * 900),
    durationMs: 1000 + Math.floor(rand() * 9000),
    bytes: 2000 + Math.floor(rand() * 20_000),
    sessionId: `s-${a.accountId.slice(-6)}-${i % 7}`,
    partial: false,
    at: new Date(at),
    trace: [
      {
        nodeId: a.nodeIds[0],
        nodeName: 'n0',
        pickedBy: 'tier',
        startedAt: at,
        status: failed ? 529 : 200,
        outcome: failed ? 'overloaded' : 'ok',
        errorType: failed ? 'overloaded_error' : null,
        errorMessage: null,
        ttfbMs: 400,
        durationMs: 1200,
      },
    ],
    clientIp: '10.0.0.7',
    userAgent: 'claude-cli/2.0.0 (external, cli)',
    stream: true,
  }
}

/** Latency of each of `total` calls of `call`, `concurrency` at a time, in ms. */
async function timed(call, total, concurrency) {
  const ms = []
  let next = 0
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const t0 = performance.now()
      await call()
      ms.push(performance.now() - t0)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  ms.sort((a, b) => a - b)
  return { median: median(ms), p95: ms[Math.floor(ms.length * 0.95)] }
}

async function measureQueries(url, fleet, now, ctx) {
  const admin = await adminSession(url, 'admin', ADMIN_PASSWORD)
  const one = fleet[Math.floor(fleet.length / 2)].accountId
  const from = new Date(now - SPAN_MS).toISOString()
  const to = new Date(now + 60_000).toISOString()
  const kinds = {
    summary: '/admin/api/usage/summary?group_by=model',
    series: `/admin/api/usage/series?bucket=hour&from=${from}&to=${to}`,
    logs: '/admin/api/usage/logs?limit=50',
    'logs filtered': `/admin/api/usage/logs?limit=50&model=${MODELS[1]}&status=5xx`,
  }
  const out = []
  for (const [kind, path] of Object.entries(kinds)) {
    for (const [who, scoped] of [
      ['admin, all', path],
      ['one account', `${path}${path.includes('?') ? '&' : '?'}account_id=${one}`],
    ]) {
      await admin.get(scoped) // warm
      const t = await timed(() => admin.get(scoped), ctx.queries, 10)
      out.push({ kind, who, ...t })
    }
  }
  return out
}

/** Retention of the oldest day while single rows are written: the longest write is the stall. */
async function measureRetention(store, fleet, now) {
  let stop = false
  let longest = 0
  let writes = 0
  const rand = rng(99)
  const writer = (async () => {
    for (let i = 0; !stop; i++) {
      const t0 = performance.now()
      await store.importUsageBatch({
        id: `stall-${i}`,
        events: [{ ...usageRow(1e9 + i, fleet, now, rand), at: new Date() }],
        rollups: [],
      })
      longest = Math.max(longest, performance.now() - t0)
      writes++
      await sleep(10)
    }
  })()
  const t0 = performance.now()
  const result = await store.retention({ usageRawDays: 29, healthDays: 90 })
  const retentionS = (performance.now() - t0) / 1000
  stop = true
  await writer
  return { deleted: result.usageEvents, retentionS, stallMs: longest, writes }
}

export async function measureHistory(ctx) {
  const db = `qcc_scale_${process.pid}_history`
  await ctx.server.query(`CREATE DATABASE \`${db}\``)
  const url = `${ctx.serverUrl}/${db}`
  const store = await createStore({ kind: 'mysql', url, secretKey: Buffer.from(SECRET_HEX, 'hex') })
  const levels = []
  try {
    const fleet = await store.createAccountsInBulk(
      Array.from({ length: ACCOUNTS }, (_, i) => ({
        name: `hist-${String(i).padStart(4, '0')}`,
        password: null,
        // The first account's key is the bench key: the load during the queries goes there.
        keys: [{ name: 'k', ...(i === 0 ? { key: PROXY_KEY } : {}) }],
        nodes: [{ name: 'n0', baseUrl: ctx.upstreamUrl, allowPrivate: true }],
      })),
    )
    const now = Date.now()
    const rand = rng(7)
    // Rows in the database now (retention takes some away) and the next request id.
    let rows = 0
    let nextId = 0
    for (const millions of ctx.historyMillions) {
      const target = millions * 1_000_000
      const added = target - rows
      const t0 = performance.now()
      while (rows < target) {
        const n = Math.min(BATCH, target - rows)
        const events = Array.from({ length: n }, (_, j) => usageRow(nextId + j, fleet, now, rand))
        await store.importUsageBatch({ id: `seed-${nextId}`, events, rollups: [] })
        nextId += n
        rows += n
      }
      const seedS = (performance.now() - t0) / 1000
      const qcc = await startQccProxy({
        upstreamUrl: ctx.upstreamUrl,
        pin: ctx.pin,
        logFile: join(ctx.tmp, `qcc-history-${millions}.log`),
        dataDir: ctx.tmp,
        env: {
          PROXY_MYSQL_DSN: url,
          QCC_SECRET_KEY: SECRET_HEX,
          ADMIN_PASSWORD,
          LOG_LEVEL: 'warn',
        },
      })
      let queries
      try {
        await waitReady(qcc.url, performance.now())
        // The proxy serves load meanwhile (usage rows written as the queries read); stopped after.
        const stopLoad = new globalThis.AbortController()
        const load = wrkPost({
          ...ctx,
          port: new URL(qcc.url).port,
          bodyFile: ctx.bodies.json.path,
          headers: { 'x-api-key': PROXY_KEY },
          seconds: 600,
          connections: 10,
          signal: stopLoad.signal,
        }).catch(() => undefined)
        try {
          queries = await measureQueries(qcc.url, fleet, now, ctx)
        } finally {
          stopLoad.abort()
          await load
        }
      } finally {
        await qcc.stop()
      }
      const retention = await measureRetention(store, fleet, now)
      levels.push({ rows, seedS, seedRate: added / seedS, queries, retention })
      console.log(
        `${millions}M usage rows: seeded in ${fixed(seedS)} s; retention deleted ${retention.deleted} rows in ${fixed(retention.retentionS)} s, longest write ${fixed(retention.stallMs)} ms`,
      )
      // The next level tops the rows up again, the deleted day included.
      rows -= retention.deleted
    }
  } finally {
    await store.close()
    if (!ctx.keep) await ctx.server.query(`DROP DATABASE \`${db}\``)
  }
  return levels
}

/** The history table, with the goals. */
export function historyReport(levels) {
  const met = (ok) => (ok ? 'met' : 'NOT met')
  const lines = [
    'history (usage rows over 30 days, 1,000 accounts; 10 concurrent queries while the proxy serves load)',
  ]
  for (const l of levels) {
    lines.push(`${(l.rows / 1e6).toFixed(1)}M rows (seeded at ${fixed(l.seedRate, 0)} rows/s):`)
    for (const q of l.queries) {
      const ok = q.median <= HISTORY_GOALS.medianMs && q.p95 <= HISTORY_GOALS.p95Ms
      lines.push(
        `  ${`${q.kind}, ${q.who}`.padEnd(30)} median ${fixed(q.median).padStart(7)} ms  p95 ${fixed(q.p95).padStart(7)} ms  ${met(ok)}`,
      )
    }
    const r = l.retention
    lines.push(
      `  retention: ${r.deleted} rows deleted in ${fixed(r.retentionS)} s; longest write meanwhile ${fixed(r.stallMs)} ms of ${r.writes} (≤ ${HISTORY_GOALS.stallMs} ms: ${met(r.stallMs <= HISTORY_GOALS.stallMs)})`,
    )
  }
  return lines.join('\n')
}
