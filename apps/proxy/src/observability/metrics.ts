import { Gauge, Registry } from 'prom-client'
import type { NodeHealthMachine } from '@qcc/core'
import type { UsageEvent } from '@qcc/store'
import { HotCounter, HotHistogram } from './hot-metrics'

/** Prometheus metrics of one proxy process (`qcc_` prefix), on their own registry. */
export interface ProxyMetrics {
  registry: Registry
  requestFinished(event: UsageEvent, nodeName: string | undefined): void
  attempt(nodeName: string, result: string): void
  failover(): void
  streamOpened(): void
  streamClosed(): void
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx']

/**
 * The request path's metrics are hot-metrics series (an add per update); the registry renders
 * them with prom-client's exposition. Gauges read at scrape time stay prom-client's own.
 */
export function createProxyMetrics(health: NodeHealthMachine): ProxyMetrics {
  const registry = new Registry()
  const requests = new HotCounter({
    name: 'qcc_requests_total',
    help: 'Authenticated /v1 requests by final status class',
    labelNames: ['status_class'],
    registry,
  })
  const attempts = new HotCounter({
    name: 'qcc_upstream_attempts_total',
    help: 'Upstream attempts by node and classified result',
    labelNames: ['node', 'result'],
    registry,
  })
  const failovers = new HotCounter({
    name: 'qcc_failovers_total',
    help: 'Attempts that moved a request to another node',
    labelNames: [],
    registry,
  }).labels()
  const duration = new HotHistogram({
    name: 'qcc_upstream_duration_seconds',
    help: 'Request duration by serving node',
    labelNames: ['node'],
    buckets: LATENCY_BUCKETS,
    registry,
  })
  const ttfb = new HotHistogram({
    name: 'qcc_upstream_ttfb_seconds',
    help: 'Time to the first byte sent to the client, by serving node',
    labelNames: ['node'],
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
  new Gauge({
    name: 'qcc_streams_in_flight',
    help: 'Responses being streamed to clients now',
    registers: [registry],
    collect() {
      this.set(streamsInFlight)
    },
  })
  new Gauge({
    name: 'qcc_node_state',
    help: '1 for the state each node is in',
    labelNames: ['node', 'account', 'state'],
    registers: [registry],
    collect() {
      this.reset()
      for (const { node, health: h } of health.entries()) {
        this.set({ node: node.name, account: node.accountId, state: h.status }, 1)
      }
    },
  })
  return {
    registry,
    requestFinished(event, nodeName) {
      requests.labels(STATUS_CLASSES[Math.floor(event.status / 100)] ?? 'other').inc()
      inputTokens.inc(event.inputTokens)
      outputTokens.inc(event.outputTokens)
      cacheCreationTokens.inc(event.cacheCreationInputTokens)
      cacheReadTokens.inc(event.cacheReadInputTokens)
      if (nodeName) {
        duration.labels(nodeName).observe(event.durationMs / 1000)
        if (event.ttfbMs !== null) ttfb.labels(nodeName).observe(event.ttfbMs / 1000)
      }
    },
    attempt: (node, result) => attempts.labels(node, result).inc(),
    failover: () => failovers.inc(),
    streamOpened: () => void streamsInFlight++,
    streamClosed: () => void streamsInFlight--,
  }
}
