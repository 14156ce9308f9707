import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { NodeHealthMachine } from '@qcc/core'
import type { UsageEvent } from '@qcc/store'

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

export function createProxyMetrics(health: NodeHealthMachine): ProxyMetrics {
  const registry = new Registry()
  const requests = new Counter({
    name: 'qcc_requests_total',
    help: 'Authenticated /v1 requests by final status class',
    labelNames: ['status_class'],
    registers: [registry],
  })
  const attempts = new Counter({
    name: 'qcc_upstream_attempts_total',
    help: 'Upstream attempts by node and classified result',
    labelNames: ['node', 'result'],
    registers: [registry],
  })
  const failovers = new Counter({
    name: 'qcc_failovers_total',
    help: 'Attempts that moved a request to another node',
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'qcc_upstream_duration_seconds',
    help: 'Request duration by serving node',
    labelNames: ['node'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const ttfb = new Histogram({
    name: 'qcc_upstream_ttfb_seconds',
    help: 'Time to the first byte sent to the client, by serving node',
    labelNames: ['node'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const tokens = new Counter({
    name: 'qcc_usage_tokens_total',
    help: 'Tokens by kind',
    labelNames: ['kind'],
    registers: [registry],
  })
  const streams = new Gauge({
    name: 'qcc_streams_in_flight',
    help: 'Responses being streamed to clients now',
    registers: [registry],
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
      requests.inc({ status_class: `${Math.floor(event.status / 100)}xx` })
      tokens.inc({ kind: 'input' }, event.inputTokens)
      tokens.inc({ kind: 'output' }, event.outputTokens)
      tokens.inc({ kind: 'cache_creation' }, event.cacheCreationInputTokens)
      tokens.inc({ kind: 'cache_read' }, event.cacheReadInputTokens)
      if (nodeName) {
        duration.observe({ node: nodeName }, event.durationMs / 1000)
        if (event.ttfbMs !== null) ttfb.observe({ node: nodeName }, event.ttfbMs / 1000)
      }
    },
    attempt: (node, result) => attempts.inc({ node, result }),
    failover: () => failovers.inc(),
    streamOpened: () => streams.inc(),
    streamClosed: () => streams.dec(),
  }
}
