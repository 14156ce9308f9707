import type { Registry } from 'prom-client'
import type { NodeHealthMachine } from '@qcc/core'
import type { UsageEvent, UsageWriter } from '@qcc/store'
import {
  CollectedGauge,
  HotCounter,
  HotHistogram,
  type CounterSeries,
  type HistogramSeries,
  type MetricSink,
} from './hot-metrics'

/** Prometheus metrics of one proxy process (`qcc_` prefix), on their own registry. */
export interface ProxyMetrics {
  /** The registry `/metrics` renders; prom-client is loaded on the first call (first scrape). */
  registry(): Promise<Registry>
  /** A finished request; `nodeName` labels the serving node's series (none when no node served). */
  requestFinished(event: UsageEvent, nodeName: string | undefined): void
  /** One upstream attempt, by its node (ids and name: docs/contract.md §12) and core's result. */
  attempt(node: MetricNode, result: string): void
  failover(): void
  streamOpened(): void
  streamClosed(): void
  /** A request refused by a limit (docs/contract.md §10: `qcc_limit_refusals_total{scope, limit}`). */
  limitRefused(scope: string, limit: string): void
  /** Where `qcc_limits_degraded` reads from: the runtime's limit counters (0 until set). */
  watchLimits(counters: { readonly degraded: boolean }): void
  /**
   * Where `qcc_usage_writer_pending` and `qcc_usage_writer_dropped` read from: the store's usage
   * writer (absent until set: no series).
   */
  watchUsageWriter(writer: Pick<UsageWriter, 'stats'>): void
  /** Where other parts register their own series (the Redis link's `qcc_redis_up`). */
  readonly sink: MetricSink
}

/** A node as the metrics label it: `account` and `node` ids, with `node_name` (docs/contract.md §12). */
export interface MetricNode {
  readonly id: string
  readonly accountId: string
  readonly name: string
}

const NODE_LABELS = ['account', 'node', 'node_name'] as const

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx']

/**
 * The metrics are plain series (an add per update, see hot-metrics.ts) kept in a list; prom-client
 * renders them, imported only when `/metrics` is first scraped so a replica nobody scrapes
 * never loads it.
 */
export function createProxyMetrics(health: NodeHealthMachine): ProxyMetrics {
  const all: unknown[] = []
  const registry: MetricSink = { registerMetric: (metric: never) => void all.push(metric) }
  const requests = new HotCounter({
    name: 'qcc_requests_total',
    help: 'Authenticated /v1 requests by final status class',
    labelNames: ['status_class'],
    registry,
  })
  const attempts = new HotCounter({
    name: 'qcc_upstream_attempts_total',
    help: 'Upstream attempts by node and classified result',
    labelNames: [...NODE_LABELS, 'result'],
    registry,
  })
  const failovers = new HotCounter({
    name: 'qcc_failovers_total',
    help: 'Attempts that moved a request to another node',
    labelNames: [],
    registry,
  }).labels()
  const unpriced = new HotCounter({
    name: 'qcc_unpriced_requests_total',
    help: 'Requests whose model has no price (no table row, family or * row; docs/contract.md §15)',
    labelNames: [],
    registry,
  }).labels()
  const duration = new HotHistogram({
    name: 'qcc_upstream_duration_seconds',
    help: 'Request duration by serving node',
    labelNames: NODE_LABELS,
    buckets: LATENCY_BUCKETS,
    registry,
  })
  const ttfb = new HotHistogram({
    name: 'qcc_upstream_ttfb_seconds',
    help: 'Time to the first byte sent to the client, by serving node',
    labelNames: NODE_LABELS,
    buckets: LATENCY_BUCKETS,
    registry,
  })
  const tokens = new HotCounter({
    name: 'qcc_usage_tokens_total',
    help: 'Tokens by kind',
    labelNames: ['kind'],
    registry,
  })
  const inputTokens = tokens.labels('input')
  const outputTokens = tokens.labels('output')
  const cacheCreationTokens = tokens.labels('cache_creation')
  const cacheReadTokens = tokens.labels('cache_read')
  let streamsInFlight = 0
  new CollectedGauge({
    name: 'qcc_streams_in_flight',
    help: 'Responses being streamed to clients now',
    registry,
    collect: () => [{ value: streamsInFlight }],
  })
  new CollectedGauge({
    name: 'qcc_node_state',
    help: '1 for the state each node is in',
    registry,
    collect: () =>
      [...health.entries()].map(({ node, health: h }) => ({
        labels: { account: node.accountId, node: node.id, node_name: node.name, state: h.status },
        value: 1,
      })),
  })
  const limitRefusals = new HotCounter({
    name: 'qcc_limit_refusals_total',
    help: 'Requests refused by a key or account limit, by scope and limit',
    labelNames: ['scope', 'limit'],
    registry,
  })
  let limitCounters: { readonly degraded: boolean } | undefined
  new CollectedGauge({
    name: 'qcc_limits_degraded',
    help: '1 while the limit counters cannot count exactly (Redis unreachable: limits fail open)',
    registry,
    collect: () => [{ value: limitCounters?.degraded ? 1 : 0 }],
  })
  let usageWriter: Pick<UsageWriter, 'stats'> | undefined
  new CollectedGauge({
    name: 'qcc_usage_writer_pending',
    help: 'Usage rows buffered and not yet written to the store (flat under load: it keeps up)',
    registry,
    collect: () => (usageWriter ? [{ value: usageWriter.stats().pending }] : []),
  })
  new CollectedGauge({
    name: 'qcc_usage_writer_dropped',
    help: 'Usage rows whose detail was dropped since start because the buffer was full (totals kept)',
    registry,
    collect: () => (usageWriter ? [{ value: usageWriter.stats().dropped }] : []),
  })
  // One node's series, found by its id without joining label strings on every request (a
  // rename or a series cap makes a new bundle).
  interface NodeSeries {
    name: string
    accountId: string
    clears: number
    duration: HistogramSeries
    ttfb: HistogramSeries
    attempts: Map<string, CounterSeries>
  }
  const byNode = new Map<string, NodeSeries>()
  const clears = () => attempts.clears + duration.clears + ttfb.clears
  const seriesOf = (accountId: string, nodeId: string, name: string): NodeSeries => {
    const known = byNode.get(nodeId)
    if (known && known.name === name && known.accountId === accountId && known.clears === clears())
      return known
    if (byNode.size >= 4096) byNode.clear()
    const made: NodeSeries = {
      name,
      accountId,
      clears: clears(),
      duration: duration.labels(accountId, nodeId, name),
      ttfb: ttfb.labels(accountId, nodeId, name),
      attempts: new Map(),
    }
    byNode.set(nodeId, made)
    return made
  }
  let rendered: Promise<Registry> | undefined
  return {
    registry: () =>
      (rendered ??= import('prom-client').then(({ Registry }) => {
        const r = new Registry()
        for (const metric of all) r.registerMetric(metric as never)
        return r
      })),
    requestFinished(event, nodeName) {
      requests.labels(STATUS_CLASSES[Math.floor(event.status / 100)] ?? 'other').inc()
      if (event.pricedBy === 'none') unpriced.inc()
      inputTokens.inc(event.inputTokens)
      outputTokens.inc(event.outputTokens)
      cacheCreationTokens.inc(event.cacheCreationInputTokens)
      cacheReadTokens.inc(event.cacheReadInputTokens)
      if (event.nodeId !== null && nodeName !== undefined) {
        const node = seriesOf(event.accountId, event.nodeId, nodeName)
        node.duration.observe(event.durationMs / 1000)
        if (event.ttfbMs !== null) node.ttfb.observe(event.ttfbMs / 1000)
      }
    },
    attempt: (node, result) => {
      const own = seriesOf(node.accountId, node.id, node.name)
      let counter = own.attempts.get(result)
      if (counter === undefined) {
        counter = attempts.labels(node.accountId, node.id, node.name, result)
        own.attempts.set(result, counter)
      }
      counter.inc()
    },
    failover: () => failovers.inc(),
    streamOpened: () => void streamsInFlight++,
    streamClosed: () => void streamsInFlight--,
    limitRefused: (scope, limit) => limitRefusals.labels(scope, limit).inc(),
    watchLimits: (counters) => void (limitCounters = counters),
    watchUsageWriter: (writer) => void (usageWriter = writer),
    sink: registry,
  }
}
