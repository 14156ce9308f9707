import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { NodeHealthMachine } from '@qcc/core'
import type { Store } from '@qcc/store'
import type { Env } from './env'
import type { EventBus } from './events/bus'
import { createRuntime, type RuntimeOptions } from './runtime/runtime'
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

export type StartOptions = RuntimeOptions

/**
 * Builds the runtime (runtime/runtime.ts) from the validated env, listens, and drains on close:
 * no new connections, live requests get `PROXY_DRAIN_TIMEOUT_SEC`, then streams are ended.
 */
export async function startQcc(env: Env, options: StartOptions = {}): Promise<RunningQcc> {
  const runtime = await createRuntime(env, options)
  // Slow clients are cut off: headers within the limit, the whole request within 5 minutes,
  // checked every second (Node checks every 30 s by default).
  const serverOptions = {
    headersTimeout: env.PROXY_CLIENT_HEADERS_TIMEOUT_SEC * 1000,
    requestTimeout: Math.max(300_000, env.PROXY_CLIENT_HEADERS_TIMEOUT_SEC * 1000 + 1000),
    connectionsCheckingInterval: 1000,
  }
  const server: Server = createServer(serverOptions, runtime.handle)
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(env.LISTEN_ADDR.port, env.LISTEN_ADDR.host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host === '[::]' || host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`
  runtime.logger.info(
    { url, mode: runtime.mode, version: VERSION_INFO.version },
    'qcc is listening',
  )
  runtime.listening(url)

  let closing: Promise<void> | undefined
  const drain = async () => {
    runtime.drain()
    const drained = new Promise<void>((resolve) => server.close(() => resolve()))
    // Keep-alive connections that go idle while draining are closed as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 100)
    server.closeIdleConnections()
    const deadline = new Promise<'deadline'>((resolve) =>
      setTimeout(() => resolve('deadline'), env.PROXY_DRAIN_TIMEOUT_SEC * 1000).unref(),
    )
    if ((await Promise.race([drained, deadline])) === 'deadline') {
      runtime.logger.warn('drain deadline reached: ending the remaining streams')
      runtime.endStreams()
      const grace = new Promise((resolve) => setTimeout(resolve, 1000).unref())
      await Promise.race([drained, grace])
      server.closeAllConnections()
      await drained
    }
    clearInterval(sweep)
    await runtime.close()
  }
  return {
    url,
    port: address.port,
    store: runtime.store,
    health: runtime.health,
    events: runtime.events,
    refresh: () => runtime.refresh(),
    close: () => (closing ??= drain()),
  }
}
