import {
  AttemptPlanner,
  modelsListFromNodes,
  NodeHealthMachine,
  ProbeSchedule,
  StickyBindings,
  TtfbWindows,
  type Clock,
  type RandomSource,
  type TransitionEvent,
} from '@qcc/core'
import type { Store } from '@qcc/store'
import type { Env } from '../env'
import type { EventBus } from '../events/bus'
import { NodeHealthSync } from '../health/node-health-sync'
import { probeNode } from '../health/probes'
import { HealthScheduler } from '../health/scheduler'
import { toNodeConfig } from '../health/store-records'
import type { Logger } from '../observability/logger'
import { createProxyMetrics, type ProxyMetrics } from '../observability/metrics'
import type { OutboundClient } from '../outbound/outbound-client'
import type { RedisLink } from '../redis/connection'
import { SharedSticky } from '../redis/shared-sticky'
import { createCoreRouter } from '../routing/core-router'
import { NodeDirectory } from '../routing/node-directory'
import { envSettings } from '../routing/settings'
import { StickyResets } from '../routing/sticky-resets'
import type { Router } from '../routing/types'
import { PriceTable } from '../usage/price-table'

/** Core's decision makers of this replica, wired to the store, the clock and the event bus. */
export interface RoutingRuntime {
  router: Router
  directory: NodeDirectory
  health: NodeHealthMachine
  sync: NodeHealthSync
  scheduler: HealthScheduler
  prices: PriceTable
  metrics: ProxyMetrics
  /** Drops this replica's session bindings to a node at once; the count dropped (unstick). */
  unstickNode(nodeId: string): number
  /** Other replicas' unsticks, seen as each reload brings the nodes (config-propagation.ts). */
  stickyResets: StickyResets
  /**
   * The model ids `/v1/models` lists for a tenant from its enabled nodes' `models` lists, or null
   * when one of them has none (docs/contract.md §13).
   */
  listedModels(accountId: string): string[] | null
}

export interface RoutingRuntimeDeps {
  env: Env
  store: Store
  bus: EventBus
  log: Logger
  clock: Clock
  random: RandomSource
  /** The policy-checked client probes use (docs/contract.md §9: no redirects, connect-time address check). */
  outbound: OutboundClient
  /**
   * The replica's Redis link (`PROXY_REDIS_URL`), when configured: session bindings are then
   * shared with every replica (docs/contract.md §11). Absent: this replica's own bindings only.
   */
  redis?: RedisLink | undefined
}

/**
 * Builds core's health machine, planner, sticky bindings and probe schedule, the directory they
 * read nodes and per-account settings from (core's `effectiveSettings` over the env values), the
 * probe scheduler, the price table and the metrics. Loading them is config propagation's job
 * (config-propagation.ts); nothing here is loaded yet.
 */
export function createRoutingRuntime(deps: RoutingRuntimeDeps): RoutingRuntime {
  const { env, store, bus, log, clock } = deps
  const directory = new NodeDirectory(store, envSettings(env))
  const settings = (accountId: string) => directory.settings(accountId)
  const health = new NodeHealthMachine({
    clock,
    failThreshold: (id) => settings(id).failThreshold,
  })
  const sync = new NodeHealthSync(
    store,
    health,
    (event) =>
      bus.publish({
        type: 'node.state',
        accountId: event.accountId,
        data: {
          node_id: event.nodeId,
          account_id: event.accountId,
          from: event.from,
          to: event.to,
          reason: event.reason,
          at: new Date(event.at).toISOString(),
        },
      }),
    log,
  )
  const onTransition = (event: TransitionEvent) => {
    log.info(
      { node: event.nodeId, from: event.from, to: event.to, reason: event.reason },
      'node state changed',
    )
    void sync.onTransition(event)
  }
  const stickyOptions = { ttlMs: env.PROXY_STICKY_TTL_SEC * 1000 }
  const shared =
    deps.redis === undefined
      ? undefined
      : new SharedSticky({
          link: deps.redis,
          sticky: stickyOptions,
          unstuckAt: (id) => directory.node(id)?.unstuckAt?.getTime(),
          now: () => clock.now(),
        })
  const sticky = shared?.bindings ?? new StickyBindings(stickyOptions)
  const cooldownMaxMs = env.PROXY_COOLDOWN_MAX_SEC * 1000
  const planner = new AttemptPlanner({
    health,
    clock,
    random: deps.random,
    sticky,
    retryMax: (id) => settings(id).retryMax,
    requestTimeoutMs: env.PROXY_REQUEST_TIMEOUT_SEC * 1000,
    stickyTtlMs: (id) => settings(id).stickyTtlMs,
    stickyPolicy: (id) => settings(id).stickyPolicy,
    stickyBreakTtfbMs: (id) => settings(id).stickyBreakTtfbMs,
    ttfb: new TtfbWindows(),
    poolDownRetryAfterMs: env.PROXY_HEALTH_INTERVAL_SEC * 1000,
    classify: { cooldownMaxMs },
  })
  const schedule = new ProbeSchedule({
    startedAt: clock.now(),
    random: deps.random,
    intervalMs: (id) => settings(id).healthIntervalMs,
    sweepMs: env.PROXY_HEALTH_SWEEP_SEC * 1000,
  })
  const scheduler = new HealthScheduler({
    machine: health,
    schedule,
    directory,
    store,
    bus,
    clock,
    log,
    probe: (node, apiKey) =>
      probeNode(node, apiKey, {
        outbound: deps.outbound,
        timeoutMs: 15_000,
        // The same address rule as the node's own requests (core-router's `allowPrivate`).
        allowPrivate:
          (directory.node(node.id)?.allowPrivate ?? false) || env.PROXY_ALLOW_PRIVATE_UPSTREAMS,
        extraHeaders: probeHeaders(directory, node.id),
      }),
    onTransition,
    cooldownMaxMs,
  })
  const metrics = createProxyMetrics(health)
  const router = createCoreRouter({
    directory,
    planner,
    onTransition,
    metrics,
    allowPrivateUpstreams: env.PROXY_ALLOW_PRIVATE_UPSTREAMS,
    loadSticky: shared && ((accountId, sessionId) => shared.load(accountId, sessionId)),
  })
  return {
    router,
    directory,
    health,
    sync,
    scheduler,
    prices: new PriceTable(store),
    metrics,
    unstickNode(nodeId) {
      // Redis's copies go in the background; a replica that loads one first drops it by the
      // node's new unstuck_at (shared-sticky.ts).
      const accountId = directory.node(nodeId)?.accountId
      if (shared !== undefined && accountId !== undefined) void shared.unbindNode(accountId, nodeId)
      return sticky.unbindNode(nodeId)
    },
    stickyResets: new StickyResets(sticky),
    listedModels: (accountId) =>
      modelsListFromNodes(
        directory
          .nodesOf(accountId)
          .filter((n) => !n.disabled)
          .map(toNodeConfig),
      ),
  }
}

/** A node's extra headers for its probe; a node whose headers cannot be read is probed without. */
function probeHeaders(directory: NodeDirectory, nodeId: string): Record<string, string> | null {
  if ((directory.node(nodeId)?.extraHeaderNames.length ?? 0) === 0) return null
  try {
    return directory.extraHeadersNow(nodeId)
  } catch {
    return null
  }
}
