import {
  AttemptPlanner,
  NodeHealthMachine,
  ProbeSchedule,
  StickyBindings,
  type Clock,
  type RandomSource,
} from '@qcc/core'
import type { AccountSettings, Store } from '@qcc/store'
import type { Env } from '../env'
import type { EventBus } from '../events/bus'
import { NodeHealthSync } from '../health/node-health-sync'
import { probeNode } from '../health/probes'
import { HealthScheduler } from '../health/scheduler'
import type { Logger } from '../observability/logger'
import { createProxyMetrics, type ProxyMetrics } from '../observability/metrics'
import type { OutboundClient } from '../outbound/outbound-client'
import { PriceTable } from '../usage/price-table'
import { createCoreRouter } from './core-router'
import { NodeDirectory } from './node-directory'
import { SerialJobs } from './serial-jobs'
import type { Router } from './types'

export interface RoutingStack {
  router: Router
  directory: NodeDirectory
  health: NodeHealthMachine
  sync: NodeHealthSync
  scheduler: HealthScheduler
  prices: PriceTable
  metrics: ProxyMetrics
  /**
   * Picks up config, price and node-state changes (this replica's or another's): the 2 s poll,
   * a whole reload when the store's change version moved.
   */
  refresh(): Promise<void>
  /**
   * Applies this replica's own admin change at once: the account's nodes, record and settings
   * (and its nodes in the health machine); `null` (installation-wide) reloads the prices.
   */
  refreshAccount(accountId: string | null): Promise<void>
  stop(): Promise<void>
}

export interface RoutingStackDeps {
  env: Env
  store: Store
  bus: EventBus
  log: Logger
  clock: Clock
  random: RandomSource
  /** The policy-checked client probes use (SPEC 9: no redirects, connect-time address check). */
  outbound: OutboundClient
}

/**
 * Wires core's decision makers (health machine, planner, sticky bindings, probe schedule) to the
 * store and the clock. Per-account settings are overrides read live; unset means the env value.
 */
export async function createRoutingStack(deps: RoutingStackDeps): Promise<RoutingStack> {
  const { env, store, bus, log, clock } = deps
  const directory = new NodeDirectory(store)
  const settings = (accountId: string): AccountSettings | undefined =>
    directory.account(accountId)?.settings
  const health = new NodeHealthMachine({
    clock,
    failThreshold: (id) => settings(id)?.failLimit ?? env.PROXY_FAIL_THRESHOLD,
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
  const onTransition = (event: Parameters<NodeHealthSync['onTransition']>[0]) => {
    log.info(
      { node: event.nodeId, from: event.from, to: event.to, reason: event.reason },
      'node state changed',
    )
    void sync.onTransition(event)
  }
  const sticky = new StickyBindings({ ttlMs: env.PROXY_STICKY_TTL_SEC * 1000 })
  const cooldownMaxMs = env.PROXY_COOLDOWN_MAX_SEC * 1000
  const planner = new AttemptPlanner({
    health,
    clock,
    random: deps.random,
    sticky,
    retryMax: (id) => settings(id)?.retries ?? env.PROXY_RETRY_MAX,
    requestTimeoutMs: env.PROXY_REQUEST_TIMEOUT_SEC * 1000,
    stickyTtlMs: (id) => {
      const sec = settings(id)?.stickyTtlSec
      return sec === null || sec === undefined ? undefined : sec * 1000
    },
    poolDownRetryAfterMs: env.PROXY_HEALTH_INTERVAL_SEC * 1000,
    classify: { cooldownMaxMs },
  })
  const schedule = new ProbeSchedule({
    startedAt: clock.now(),
    random: deps.random,
    intervalMs: (id) => (settings(id)?.healthIntervalSec ?? env.PROXY_HEALTH_INTERVAL_SEC) * 1000,
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
      }),
    onTransition,
    cooldownMaxMs,
  })
  const prices = new PriceTable(store)
  // Whole reloads and account reloads take turns (see SerialJobs): never a stale state applied last.
  const jobs = new SerialJobs()
  const refresh = () =>
    jobs.run('all', async () => {
      const changed = await directory.refresh()
      if (changed) await prices.refresh()
      // Node state moves without a config change (another replica's transitions): always sync.
      await sync.sync(directory.all())
    })
  const refreshAccount = (accountId: string | null) =>
    accountId === null
      ? jobs.run('prices', () => prices.refresh())
      : jobs.run(`account:${accountId}`, async () => {
          await directory.refreshAccount(accountId)
          sync.syncAccount(accountId, directory.nodesOf(accountId))
        })
  await refresh()
  const metrics = createProxyMetrics(health)
  const router = createCoreRouter({
    directory,
    planner,
    health,
    sticky,
    onTransition,
    metrics,
    allowPrivateUpstreams: env.PROXY_ALLOW_PRIVATE_UPSTREAMS,
  })
  return {
    router,
    directory,
    health,
    sync,
    scheduler,
    prices,
    metrics,
    refresh,
    refreshAccount,
    stop: async () => {
      scheduler.stop()
      await sync.flush()
    },
  }
}
