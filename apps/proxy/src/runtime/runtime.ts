import type { IncomingMessage, ServerResponse } from 'node:http'
import type { NodeHealthMachine } from '@qcc/core'
import { createStore, type Store } from '@qcc/store'
import { fetch as undiciFetch } from 'undici'
import { bootstrapAccounts } from '../bootstrap'
import { Cancellation } from '../data-path/cancellation'
import { createRequestIds } from '../data-path/request-id'
import { createUpstreamClient } from '../data-path/upstream'
import { createV1Handler } from '../data-path/v1-handler'
import { warnAboutDefaults } from '../default-credentials'
import { childProcessEnv, type Env } from '../env'
import { EventBus } from '../events/bus'
import { resolveNodeClient, TrustedProxies } from '../http/client-origin'
import type { LimitCounters } from '../limits/counters'
import { LimitGate } from '../limits/limit-gate'
import { MemoryLimitCounters } from '../limits/memory-counters'
import { SpendSeeder } from '../limits/spend-seeder'
import { createProbeRoutes } from '../http/probe-routes'
import { startNotifier } from '../notify/notifier'
import { createLogger, type Logger } from '../observability/logger'
import { upstreamAddressPolicy } from '../outbound/address-check'
import { createOutboundClient } from '../outbound/outbound-client'
import { resolveSecretKey } from '../secret-key'
import { createTunnelSupervisor } from '../tunnel/supervisor'
import { scheduleRetention } from '../usage/retention'
import { createStoreUsageTap } from '../usage/store-usage-tap'
import { VERSION_INFO } from '../version'
import { replicaHolderId } from '../redis/lease'
import { propagateConfigChanges } from './config-propagation'
import { connectSharedRedis, shareThroughRedis, type RedisSharing } from './redis-sharing'
import { createRequestHandler } from './request-handler'
import { createRoutingRuntime } from './routing-runtime'

export interface RuntimeOptions {
  logger?: Logger
  /** Wraps the store before anything uses it (instrumentation; tests count calls through it). */
  wrapStore?: (store: Store) => Store
  /**
   * How long a concurrency slot in Redis lives without a refresh (default 60 s: a crashed
   * replica's slots expire within it, docs/contract.md §10). Tests shorten it; no env variable.
   */
  limitLeaseMs?: number
}

/** Everything a qcc process runs, short of the listener (server.ts listens and drains). */
export interface Runtime {
  logger: Logger
  store: Store
  /** `mysql` with a DSN, else `memory`. */
  mode: 'mysql' | 'memory'
  /** Live node health (core's machine) and the event bus, for operators' tools and tests. */
  health: NodeHealthMachine
  events: EventBus
  /** Answers one request: the `/v1/*` data path, a probe, or the control plane. */
  handle(req: IncomingMessage, res: ServerResponse): void
  /** Picks up config and node-state changes now (otherwise within 2 s). */
  refresh(): Promise<void>
  /** The listener is up at `url`: warns of default credentials, starts the tunnel (it needs it). */
  listening(url: string): void
  /** Draining started: readiness answers 503, console event streams end, polls stop. */
  drain(): void
  /** The drain deadline passed: live streams end with one error frame. */
  endStreams(): void
  /** After the listener closed: waits (bounded) for data-path requests, then stops everything. */
  close(): Promise<void>
}

/**
 * The composition root: builds every part from the validated env (store, routing, health,
 * config propagation, data path, notifications, tunnel, retention) and wires them together.
 */
export async function createRuntime(env: Env, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(env.LOG_LEVEL)
  const persistent = env.PROXY_MYSQL_DSN !== undefined
  const mode = persistent ? 'mysql' : 'memory'
  const secretKey = await resolveSecretKey({
    configured: env.QCC_SECRET_KEY,
    dataDir: env.QCC_DATA_DIR,
    persistent,
    logger,
  })
  const opened = persistent
    ? await createStore({ kind: 'mysql', url: env.PROXY_MYSQL_DSN as string, secretKey })
    : await createStore({ kind: 'memory', secretKey })
  const store = options.wrapStore ? options.wrapStore(opened) : opened
  await bootstrapAccounts(
    store,
    {
      mode,
      adminPassword: env.ADMIN_PASSWORD,
      adminApiKey: env.ADMIN_API_KEY,
      defaultAccountName: env.DEFAULT_ACCOUNT_NAME,
      defaultProxyKey: env.DEFAULT_PROXY_API_KEY,
      upstream: {
        name: env.UPSTREAM_NAME,
        baseUrl: env.UPSTREAM_BASE_URL,
        apiKey: env.UPSTREAM_API_KEY,
      },
    },
    logger,
  )
  // Probes, webhooks and test-sends: the data path's address policy at connect time, no
  // redirects, bounded reads (docs/contract.md §9).
  const outbound = createOutboundClient({
    addressPolicy: upstreamAddressPolicy,
    connectTimeoutMs: env.PROXY_CONNECT_TIMEOUT_SEC * 1000,
  })
  const events = new EventBus((err) => logger.warn({ err }, 'event listener failed'))
  // Redis first (docs/contract.md §11): routing's sticky bindings and probe leases live on it.
  const redis = await connectSharedRedis(env, logger)
  const routing = createRoutingRuntime({
    env,
    store,
    bus: events,
    log: logger,
    clock: { now: Date.now },
    random: Math.random,
    outbound,
    redis,
  })
  const config = propagateConfigChanges({ routing, bus: events, log: logger, pollMs: 2000 })
  await config.refresh()
  config.start()
  // Before the scheduler's first tick: its probes are claimed in Redis from the start.
  // Tenant limits (docs/contract.md §10): exact per replica in memory, across replicas in Redis.
  const memoryCounters = new MemoryLimitCounters()
  const sharing: RedisSharing | undefined =
    redis &&
    (await shareThroughRedis({
      link: redis,
      replicaId: replicaHolderId(),
      scheduler: routing.scheduler,
      events,
      logger,
      metrics: routing.metrics.sink,
      fallback: memoryCounters,
      limitLeaseMs: options.limitLeaseMs,
    }))
  routing.scheduler.start()
  const retention = scheduleRetention(
    store,
    { usageRawDays: env.PROXY_USAGE_RETENTION_DAYS, healthDays: env.PROXY_HEALTH_RETENTION_DAYS },
    logger,
  )
  // The notifier only queues on the bus (never blocks a request); the tunnel starts after listen.
  const notifier = startNotifier({
    store,
    bus: events,
    logger,
    dedupMs: env.NOTIFY_DEDUP_SEC * 1000,
    outbound,
  })
  const tunnelSupervisor = createTunnelSupervisor({
    store,
    logger,
    bus: events,
    // The data path's undici also serves the Cloudflare API: the global fetch would load Node's
    // own bundled copy of undici beside it (about 9 MiB more resident).
    fetch: undiciFetch as unknown as typeof fetch,
    env: {
      enabled: env.TUNNEL_ENABLED,
      apiToken: env.CF_API_TOKEN,
      subdomain: env.TUNNEL_SUBDOMAIN,
      zone: env.TUNNEL_ZONE,
      cloudflaredPath: env.TUNNEL_CLOUDFLARED_PATH,
      childEnv: childProcessEnv(),
      apiBaseUrl: env.CF_API_BASE_URL,
    },
  })
  // With Redis only the lease holder runs cloudflared; another takes over when it dies.
  const tunnel = sharing?.leaseTunnel(tunnelSupervisor) ?? tunnelSupervisor

  const upstream = createUpstreamClient({
    connectTimeoutMs: env.PROXY_CONNECT_TIMEOUT_SEC * 1000,
    idleTimeoutMs: env.PROXY_STREAM_IDLE_TIMEOUT_SEC * 1000,
    addressPolicy: upstreamAddressPolicy,
  })
  // Aborted at the drain deadline; live streams then end with one error frame.
  const shutdown = new Cancellation()
  // Aborted when draining starts: console event streams end at once instead of holding it.
  const drainStart = new AbortController()
  let draining = false
  // Who the data path's client is, for the default keys' loopback rule (the admin API builds
  // its own from the same env).
  const v1Trusted = new TrustedProxies(env.PROXY_TRUSTED_PROXIES, {
    tunnelRunning: () => tunnel.isRunning(),
  })
  const counters: LimitCounters = sharing?.counters ?? memoryCounters
  routing.metrics.watchLimits(counters)
  routing.metrics.watchUsageWriter(store.usageWriter)
  const limitCounters = counters
  const seeder = new SpendSeeder({
    spendByKey: (filter) => store.spendByKey(filter),
    flushUsage: () => store.usageWriter.flush(),
    counters,
    now: Date.now,
    log: logger,
  })
  await seeder.seed()
  // Without Redis other replicas' spend comes from the store every 5 s; with it, Redis counts it
  // all, and the store re-seeds after a reconnect and feeds the fallback while Redis is away.
  seeder.start(5000, () => redis === undefined || limitCounters.degraded)
  redis?.onUp(() => void seeder.seed())
  events.subscribe((event) => {
    // Only a change of limits needs the windows seeded again (src/admin/config-events.ts).
    if (event.type === 'config.changed' && event.data.limits === true) void seeder.seed()
  })
  const gate = new LimitGate({
    counters,
    now: Date.now,
    metrics: routing.metrics,
    log: logger,
    clientAddress: (req) => resolveNodeClient(req, v1Trusted).address,
    markFirstUse: (keyId, at) => store.markProxyKeyFirstUse(keyId, at),
    unpriced: (model) => routing.prices.unpriced(model),
  })
  const handleV1 = createV1Handler({
    shutdown,
    gate,
    resolveProxyKey: (secret) => store.resolveProxyKey(secret),
    isLoopbackClient: (req) => resolveNodeClient(req, v1Trusted).loopback,
    clientAddress: (req) => resolveNodeClient(req, v1Trusted).address,
    trace: env.QCC_BENCH_TRACE !== 'off',
    router: routing.router,
    listedModels: routing.listedModels,
    upstream,
    usage: createStoreUsageTap({
      writer: store.usageWriter,
      prices: routing.prices,
      bus: events,
      now: Date.now,
      metrics: routing.metrics,
      nodeName: (id) => routing.directory.node(id)?.name,
    }),
    newRequestId: createRequestIds(),
    now: Date.now,
    limits: {
      maxBodyBytes: env.PROXY_MAX_BODY_BYTES,
      firstByteTimeoutMs: env.PROXY_FIRST_BYTE_TIMEOUT_SEC * 1000,
      keepaliveMs: env.PROXY_STREAM_KEEPALIVE_SEC * 1000,
    },
  })
  const requests = createRequestHandler({
    handleV1,
    answerProbe: createProbeRoutes({
      version: VERSION_INFO,
      isReady: async () => {
        if (draining) return false
        try {
          await store.ping()
          return true
        } catch {
          return false
        }
      },
    }),
    loadControlPlane: () =>
      import('../control-plane').then(({ createControlPlane }) =>
        createControlPlane({
          store,
          logger,
          version: VERSION_INFO,
          adminDir: env.QCC_ADMIN_DIR,
          env,
          eventBus: events,
          metricsRegistry: routing.metrics.registry,
          shutdown: drainStart.signal,
          tunnel,
          notifier,
          routing: config.localChanges,
          limits: gate,
          unstickNode: routing.unstickNode,
          redis,
        }),
      ),
    logger,
  })

  return {
    logger,
    store,
    mode,
    health: routing.health,
    events,
    handle: requests.handle,
    refresh: () => config.refresh(),
    listening(url) {
      warnAboutDefaults(
        env.LISTEN_ADDR.host,
        { mode, adminPassword: env.ADMIN_PASSWORD, store },
        logger,
      )
      void tunnel.autoStart(url)
    },
    drain() {
      draining = true
      drainStart.abort()
      config.stop()
      retention.stop()
      void seeder.stop()
    },
    endStreams: () => shutdown.abort(),
    async close() {
      await requests.idle(2000)
      routing.scheduler.stop()
      await routing.sync.flush()
      await Promise.all([tunnel.close(), notifier.stop()])
      await Promise.all([upstream.close(), outbound.close()])
      await seeder.stop()
      await store.usageWriter.flush()
      await (sharing?.close() ?? limitCounters.close())
      await memoryCounters.close()
      await redis?.close()
      await store.close()
    },
  }
}
