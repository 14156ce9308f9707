// Usage-event write throughput on a real MySQL/MariaDB: events enqueued through the batching
// writer until committed (raw rows + minute/hour/day rollups), in a fresh database that is
// dropped afterwards. Runs against the built package (Node 20 cannot strip types), so the bench
// script builds first. Server: QCC_TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306).
import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import { createStore, parseMysqlDsn } from '../dist/index.js'

const SERVER = process.env.QCC_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000)
const dsn = parseMysqlDsn(SERVER)
const database = `qcc_bench_${randomBytes(4).toString('hex')}`
const admin = await mysql.createConnection({
  host: dsn.host,
  port: dsn.port,
  user: dsn.user,
  password: dsn.password,
})
const url = new URL(SERVER)
url.pathname = `/${database}`

const store = await createStore({
  kind: 'mysql',
  url: url.toString(),
  secretKey: randomBytes(32),
  passwordHash: { N: 1024, r: 8, p: 1 },
  seedPrices: [],
  usage: { maxPending: EVENTS + 1, batchSize: 1000, flushTimeoutMs: 600_000 },
})
try {
  const account = await store.createAccount({ name: 'bench', password: 'bench-password' })
  const { key } = await store.createProxyKey({ accountId: account.id })
  const nodes = await Promise.all(
    [1, 2, 3].map((i) =>
      store.createNode({ accountId: account.id, name: `n${i}`, baseUrl: 'https://relay.example' }),
    ),
  )
  const models = ['claude-sonnet-4-5', 'claude-opus-4-5', 'claude-haiku-4-5']
  const t0 = Date.now()
  const enqueueStart = performance.now()
  for (let i = 0; i < EVENTS; i++) {
    store.usageWriter.enqueue({
      requestId: `bench-${i}`,
      accountId: account.id,
      keyId: key.id,
      nodeId: nodes[i % 3].id,
      model: models[i % 3],
      status: i % 50 === 0 ? 529 : 200,
      attempts: 1,
      inputTokens: 1200,
      outputTokens: 350,
      cacheCreationInputTokens: 100,
      cacheCreation5mTokens: 100,
      cacheCreation1hTokens: 0,
      cacheReadInputTokens: 4000,
      costUsd: 0.0123,
      ttfbMs: 420,
      durationMs: 3100,
      bytes: 5120,
      sessionId: null,
      partial: false,
      at: new Date(t0 - (EVENTS - i) * 50),
    })
  }
  const enqueueMs = performance.now() - enqueueStart
  const start = performance.now()
  await store.usageWriter.flush()
  const seconds = (performance.now() - start) / 1000
  const { total } = await store.usageSummary({ accountId: account.id })
  if (total.requests !== EVENTS)
    throw new Error(`expected ${EVENTS} requests, got ${total.requests}`)
  const [[version]] = await admin.query('SELECT VERSION() AS v')
  console.log(`server ${version.v}`)
  console.log(
    `enqueue: ${EVENTS} events in ${enqueueMs.toFixed(1)} ms (${((enqueueMs * 1000) / EVENTS).toFixed(2)} µs/event)`,
  )
  console.log(
    `usage write: ${EVENTS} events committed in ${seconds.toFixed(2)} s = ${Math.round(EVENTS / seconds)} events/s (batches of 1000)`,
  )
} finally {
  await store.close()
  await admin.query(`DROP DATABASE IF EXISTS ${database}`)
  await admin.end()
}
