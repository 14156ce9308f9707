import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { NodeHealthMachine } from '@qcc/core'
import { fetch as undiciFetch } from 'undici'
import { createStore, type Store } from '@qcc/store'
import { bootstrapAccounts } from './bootstrap'
import { Cancellation } from './data-path/cancellation'
import { createRequestIds } from './data-path/request-id'
import { createV1Handler } from './data-path/v1-handler'
import { warnAboutDefaults } from './default-credentials'
import { resolveNodeClient, TrustedProxies } from './http/client-origin'
import { createUpstreamClient } from './data-path/upstream'
import { childProcessEnv, type Env } from './env'
import { EventBus } from './events/bus'
import { createProbeRoutes } from './http/probe-routes'
import { createLogger, type Logger } from './observability/logger'
import { upstreamAddressPolicy } from './outbound/address-check'
import { createOutboundClient } from './outbound/outbound-client'
import { LocalChanges } from './routing/local-changes'
import { createRoutingStack } from './routing/stack'
import { startNotifier } from './notify/notifier'
import { createTunnelSupervisor } from './tunnel/supervisor'
import { scheduleRetention } from './usage/retention'
import { createStoreUsageTap } from './usage/store-usage-tap'
import { resolveSecretKey } from './secret-key'
import { VERSION_INFO } from './version'

export interface RunningQcc {
  /** `http://host:port` of the listener. */
  url: string
  port: number
  store: Store
  /** Live node health (core's machine) and the event bus, for operators' tools and tests. */
  health: NodeHealthMachine
  events: EventBus
  /** Picks up config and node-state changes now (otherwise within 2 s). */
  refresh(): Promise<void>
  /** Stops accepting, lets live requests finish within the drain time, closes everything. */
  close(): Promise<void>
}

export interface StartOptions {
  logger?: Logger
  /** Wraps the store before anything uses it (instrumentation; tests count calls through it). */
  wrapStore?: (store: Store) => Store
}

/** Builds every dependency from the validated env and starts listening. */
export async function startQcc(env: Env, options: StartOptions = {}): Promise<RunningQcc> {
  const logger = options.logger ?? createLogger(env.LOG_LEVEL)
  const persistent = env.PROXY_MYSQL_DSN !== undefined
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
      mode: persistent ? 'mysql' : 'memory',
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
  // The data path's undici also serves the Cloudflare API: the global fetch would load Node's
  // own bundled copy of undici beside it (about 9 MiB more resident).
  const outboundFetch = undiciFetch as unknown as typeof fetch
  // Probes, webhooks and test-sends: the data path's address policy at connect time, no
  // redirects, bounded reads (SPEC 9).
  const outbound = createOutboundClient({
    addressPolicy: upstreamAddressPolicy,
    connectTimeoutMs: env.PROXY_CONNECT_TIMEOUT_SEC * 1000,
  })
  const eventBus = new EventBus((err) => logger.warn({ err }, 'event listener failed'))
  const routing = await createRoutingStack({
    env,
    store,
    bus: eventBus,
    log: logger,
    clock: { now: Date.now },
    random: Math.random,
    outbound,
  })
  const refreshTimer = setInterval(() => {
    routing.refresh().catch((err: unknown) => logger.warn({ err }, 'config refresh failed'))
  }, 2000)
  refreshTimer.unref()
  routing.scheduler.start()
  // A change made through this replica's admin API is applied here for its account before the
  // API answers (read your writes, SPEC 9); other replicas pick it up with the 2 s poll.
  const localChanges = new LocalChanges(
    (accountId) => routing.refreshAccount(accountId),
    (err) => logger.warn({ err }, 'config refresh failed'),
  )
  eventBus.subscribe((event) => {
    if (event.type === 'config.changed') localChanges.start(event.accountId)
  })
  const retention = scheduleRetention(
    store,
    { usageRawDays: env.PROXY_USAGE_RETENTION_DAYS, healthDays: env.PROXY_HEALTH_RETENTION_DAYS },
    logger,
  )

  // --- notifications and the Cloudflare Tunnel (issue 9; src/notify, src/tunnel) ---
  // The notifier only queues on the bus (never blocks a request); the tunnel starts after listen.
  const notifier = startNotifier({
    store,
    bus: eventBus,
    logger,
    dedupMs: env.NOTIFY_DEDUP_SEC * 1000,
    outbound,
  })
  const tunnel = createTunnelSupervisor({
    store,
    logger,
    bus: eventBus,
    fetch: outboundFetch,
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
  // --- end of issue 9 block ---

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
  const handleV1 = createV1Handler({
    shutdown,
    resolveProxyKey: (secret) => store.resolveProxyKey(secret),
    isLoopbackClient: (req) => resolveNodeClient(req, v1Trusted).loopback,
    router: routing.router,
    upstream,
    usage: createStoreUsageTap({
      writer: store.usageWriter,
      prices: routing.prices,
      bus: eventBus,
      now: Date.now,
      metrics: routing.metrics,
      nodeName: (id) => routing.directory.node(id)?.name,
    }),
    newRequestId: createRequestIds(),
    now: Date.now,
    limits: {
      maxBodyBytes: env.PROXY_MAX_BODY_BYTES,
      firstByteTimeoutMs: env.PROXY_FIRST_BYTE_TIMEOUT_SEC * 1000,
      requestTimeoutMs: env.PROXY_REQUEST_TIMEOUT_SEC * 1000,
      keepaliveMs: env.PROXY_STREAM_KEEPALIVE_SEC * 1000,
    },
  })
  const answerProbe = createProbeRoutes({
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
  })
  // The control plane (login, admin API, /metrics, console) is loaded on its first request.
  let controlPlane: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined
  const handleOther = (req: IncomingMessage, res: ServerResponse): void => {
    controlPlane ??= import('./control-plane').then(({ createControlPlane }) =>
      createControlPlane({
        store,
        logger,
        version: VERSION_INFO,
        adminDir: env.QCC_ADMIN_DIR,
        env,
        eventBus,
        metricsRegistry: routing.metrics.registry,
        shutdown: drainStart.signal,
        tunnel,
        notifier,
        routing: localChanges,
      }),
    )
    controlPlane.then(
      (handle) => handle(req, res),
      (err: unknown) => {
        logger.error({ err }, 'control plane failed to load')
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
        res.end('{"error":"internal error"}')
      },
    )
  }
  // Requests still finishing (their usage is recorded in their last step); shutdown waits for them.
  let activeV1 = 0
  const idleWaiters: Array<() => void> = []
  const v1Idle = (timeoutMs: number) =>
    activeV1 === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          idleWaiters.push(resolve)
          setTimeout(resolve, timeoutMs).unref()
        })
  // Slow clients are cut off: headers within the limit, the whole request within 5 minutes,
  // checked every second (Node checks every 30 s by default).
  const serverOptions = {
    headersTimeout: env.PROXY_CLIENT_HEADERS_TIMEOUT_SEC * 1000,
    requestTimeout: Math.max(300_000, env.PROXY_CLIENT_HEADERS_TIMEOUT_SEC * 1000 + 1000),
    connectionsCheckingInterval: 1000,
  }
  const server: Server = createServer(
    serverOptions,
    (req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '/'
      if (url.startsWith('/v1/') || url === '/v1') {
        activeV1++
        handleV1(req, res)
          .catch((err: unknown) => {
            logger.error({ err }, 'data path failed')
            if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
            res.end()
          })
          .finally(() => {
            activeV1--
            if (activeV1 === 0) idleWaiters.splice(0).forEach((wake) => wake())
          })
        return
      }
      if (!answerProbe(req, res)) handleOther(req, res)
    },
  )
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(env.LISTEN_ADDR.port, env.LISTEN_ADDR.host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host === '[::]' || host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`
  logger.info(
    { url, mode: persistent ? 'mysql' : 'memory', version: VERSION_INFO.version },
    'qcc is listening',
  )
  warnAboutDefaults(
    env.LISTEN_ADDR.host,
    { mode: persistent ? 'mysql' : 'memory', adminPassword: env.ADMIN_PASSWORD, store },
    logger,
  )
  void tunnel.autoStart(url) // issue 9: the tunnel's ingress needs the listening address

  let closing: Promise<void> | undefined
  return {
    url,
    port: address.port,
    store,
    health: routing.health,
    events: eventBus,
    refresh: () => routing.refresh(),
    close: () =>
      (closing ??= (async () => {
        draining = true
        drainStart.abort()
        clearInterval(refreshTimer)
        retention.stop()
        const drained = new Promise<void>((resolve) => server.close(() => resolve()))
        // Keep-alive connections that go idle while draining are closed as they do.
        const sweep = setInterval(() => server.closeIdleConnections(), 100)
        server.closeIdleConnections()
        const deadline = new Promise<'deadline'>((resolve) =>
          setTimeout(() => resolve('deadline'), env.PROXY_DRAIN_TIMEOUT_SEC * 1000).unref(),
        )
        if ((await Promise.race([drained, deadline])) === 'deadline') {
          logger.warn('drain deadline reached: ending the remaining streams')
          shutdown.abort()
          const grace = new Promise((resolve) => setTimeout(resolve, 1000).unref())
          await Promise.race([drained, grace])
          server.closeAllConnections()
          await drained
        }
        clearInterval(sweep)
        await v1Idle(2000)
        await routing.stop()
        await Promise.all([tunnel.close(), notifier.stop()]) // issue 9
        await Promise.all([upstream.close(), outbound.close()])
        await store.usageWriter.flush()
        await store.close()
      })()),
  }
}
