import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { createStore, type Store } from '@qcc/store'
import { createApp } from './app'
import { bootstrapAccounts } from './bootstrap'
import { createV1Handler } from './data-path/v1-handler'
import { createUpstreamClient } from './data-path/upstream'
import type { Env } from './env'
import { EventBus } from './events/bus'
import { loadAdminAssets } from './http/admin-assets'
import { resolveAdminDir } from './http/admin-dir'
import { createLogger, type Logger } from './observability/logger'
import { createRoutingStack } from './routing/stack'
import { createStoreUsageTap } from './usage/store-usage-tap'
import { resolveSecretKey } from './secret-key'
import { VERSION_INFO } from './version'

export interface RunningQcc {
  /** `http://host:port` of the listener. */
  url: string
  port: number
  store: Store
  /** Picks up config and node-state changes now (otherwise within 2 s). */
  refresh(): Promise<void>
  /** Stops accepting, lets live requests finish within the drain time, closes everything. */
  close(): Promise<void>
}

export interface StartOptions {
  logger?: Logger
}

/** Builds every dependency from the validated env and starts listening. */
export async function startQcc(env: Env, options: StartOptions = {}): Promise<RunningQcc> {
  const logger = options.logger ?? createLogger(env.LOG_LEVEL)
  const persistent = env.PROXY_MYSQL_DSN !== undefined
  const secretKey = resolveSecretKey({
    configured: env.QCC_SECRET_KEY,
    dataDir: env.QCC_DATA_DIR,
    persistent,
    logger,
  })
  const store = persistent
    ? await createStore({ kind: 'mysql', url: env.PROXY_MYSQL_DSN as string, secretKey })
    : await createStore({ kind: 'memory', secretKey })
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
  const eventBus = new EventBus((err) => logger.warn({ err }, 'event listener failed'))
  const routing = await createRoutingStack({
    env,
    store,
    bus: eventBus,
    log: logger,
    clock: { now: Date.now },
    random: Math.random,
    fetch: globalThis.fetch,
  })
  const refreshTimer = setInterval(() => {
    routing.refresh().catch((err: unknown) => logger.warn({ err }, 'config refresh failed'))
  }, 2000)
  refreshTimer.unref()
  routing.scheduler.start()

  const upstream = createUpstreamClient({
    connectTimeoutMs: env.PROXY_CONNECT_TIMEOUT_SEC * 1000,
    idleTimeoutMs: env.PROXY_STREAM_IDLE_TIMEOUT_SEC * 1000,
  })
  const handleV1 = createV1Handler({
    resolveProxyKey: (secret) => store.resolveProxyKey(secret),
    router: routing.router,
    upstream,
    usage: createStoreUsageTap({
      writer: store.usageWriter,
      prices: routing.prices,
      bus: eventBus,
      now: Date.now,
    }),
    newRequestId: () => `req_qcc_${randomUUID().replaceAll('-', '')}`,
    now: Date.now,
    limits: {
      maxBodyBytes: env.PROXY_MAX_BODY_BYTES,
      firstByteTimeoutMs: env.PROXY_FIRST_BYTE_TIMEOUT_SEC * 1000,
      requestTimeoutMs: env.PROXY_REQUEST_TIMEOUT_SEC * 1000,
      keepaliveMs: env.PROXY_STREAM_KEEPALIVE_SEC * 1000,
    },
  })
  const app = createApp({
    store,
    logger,
    version: VERSION_INFO,
    adminAssets: loadAdminAssets(env.QCC_ADMIN_DIR ?? resolveAdminDir()),
    env,
    eventBus,
    isReady: async () => {
      try {
        await store.ping()
        return true
      } catch {
        return false
      }
    },
  })
  const handleOther = getRequestListener(app.fetch)
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/'
    if (url.startsWith('/v1/') || url === '/v1') {
      handleV1(req, res).catch((err: unknown) => {
        logger.error({ err }, 'data path failed')
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
        res.end()
      })
      return
    }
    void handleOther(req, res)
  })
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

  let closing: Promise<void> | undefined
  return {
    url,
    port: address.port,
    store,
    refresh: () => routing.refresh(),
    close: () =>
      (closing ??= (async () => {
        clearInterval(refreshTimer)
        const drained = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        const timer = setTimeout(
          () => server.closeAllConnections(),
          env.PROXY_DRAIN_TIMEOUT_SEC * 1000,
        )
        await drained
        clearTimeout(timer)
        await routing.stop()
        await upstream.close()
        await store.usageWriter.flush()
        await store.close()
      })()),
  }
}
