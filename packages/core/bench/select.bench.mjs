// Cost of one routing decision on a 50-node pool: selectNode + classifyUpstreamOutcome, the work
// the proxy does per attempt. Runs against the built package (Node 20 cannot strip types), so the
// bench script builds first. Target: under 2 µs per selection plus classification.
import { Bench } from 'tinybench'
import {
  StickyBindings,
  classifyUpstreamOutcome,
  createUsageAccumulator,
  initialHealth,
  selectNode,
} from '../dist/index.js'

const BATCH = 1000
const now = Date.now()
const pool = Array.from({ length: 50 }, (_, i) => ({
  node: {
    id: `node-${i}`,
    accountId: i % 10 === 0 ? 'other' : 'acme',
    name: `node-${i}`,
    baseUrl: `https://relay-${i}.example`,
    weight: 1 + (i % 3),
    disabled: i % 17 === 0,
    healthCheckMethod: 'api',
  },
  health: { ...initialHealth(), inFlight: i % 4, status: i % 11 === 0 ? 'failed' : 'healthy' },
}))
const sticky = new StickyBindings()
const exclude = new Set(['node-1', 'node-4'])
const ok = { kind: 'first_event', status: 200, eventType: 'message_start' }
const rateLimited = { kind: 'response', status: 429, headers: { 'retry-after': '30' } }
let seed = 1
const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
let sink = 0

const bench = new Bench({ time: 1500, warmupTime: 300 })
bench
  .add('select (least in flight) + classify 200', () => {
    for (let i = 0; i < BATCH; i++) {
      const pick = selectNode(pool, { accountId: 'acme', now, random, exclude })
      sink += classifyUpstreamOutcome(ok, { now }).retry ? 1 : pick.entry.health.inFlight
    }
  })
  .add('select (session rendezvous + sticky) + classify 429', () => {
    for (let i = 0; i < BATCH; i++) {
      const pick = selectNode(pool, {
        accountId: 'acme',
        now,
        random,
        sessionId: 'b1f3c2aa-5d1e-4c6f-9d7e-2a1b3c4d5e6f',
        sticky,
      })
      sink +=
        classifyUpstreamOutcome(rateLimited, { now }).cooldownUntil - pick.entry.health.inFlight
    }
  })

const frame = (e, d) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`
const delta = frame('content_block_delta', {
  type: 'content_block_delta',
  index: 0,
  delta: { type: 'text_delta', text: 'Hello, 世界! ' },
})
const chunk = new TextEncoder().encode(delta.repeat(20))
bench.add('usage accumulator, 20 deltas per chunk', () => {
  for (let i = 0; i < BATCH / 10; i++) {
    const acc = createUsageAccumulator()
    acc.push(chunk)
    sink += acc.end().outputTokens
  }
})

await bench.run()
console.log(`@qcc/core bench (node ${process.version}, 50-node pool, ${BATCH} ops per sample)`)
for (const task of bench.tasks) {
  const perOp = task.name.startsWith('usage') ? BATCH / 10 : BATCH
  const meanMs = task.result?.latency?.mean ?? Number.NaN
  const ns = (meanMs * 1e6) / perOp
  const unit = task.name.startsWith('usage') ? 'per chunk' : 'per decision'
  console.log(`  ${task.name.padEnd(55)} ${(ns / 1000).toFixed(3)} µs ${unit}`)
}
if (sink === 42) console.log('')
