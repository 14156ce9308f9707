// ioredis: a well-kept client with the pieces this link needs built in: EVALSHA scripts, reconnects
// with a retry strategy, command and socket timeouts, and a switch to turn the offline queue off.
import { Redis } from 'ioredis'
import type { Logger } from '../observability/logger'
import { CollectedGauge, type MetricSink } from '../observability/hot-metrics'
import { parseRedisUrl } from './url'

/**
 * The one connection of a replica to the Redis it shares with the others (docs/contract.md §11).
 * Every feature that uses Redis (limit counters, later config propagation, the event stream,
 * leases) builds on this link and checks `up` before it counts on an answer.
 */
export interface RedisLink {
  /** The ioredis client. Commands fail at once while the link is down (no offline queue). */
  readonly client: Redis
  /** Put before every key (`PROXY_REDIS_PREFIX`, default `qcc:`). */
  readonly prefix: string
  /** True while connected and ready. */
  readonly up: boolean
  /** `redis://user@host:port/db`: where the link points, without the password (for logs). */
  readonly description: string
  /** Called on each transition to up; returns a function that removes the listener. */
  onUp(listener: () => void): () => void
  /** Called on each transition to down; returns a function that removes the listener. */
  onDown(listener: () => void): () => void
  /** Resolves true once the link is up, false if it is not within `timeoutMs`. */
  whenUp(timeoutMs: number): Promise<boolean>
  /** Disconnects for good; no more reconnects. */
  close(): Promise<void>
}

export interface ConnectRedisOptions {
  /** `redis://[user:pass@]host:port[/db]` or `rediss://…` (TLS). */
  url: string
  /** Default `qcc:`. */
  prefix?: string
  logger: Pick<Logger, 'warn' | 'info'>
  /** Where to register the `qcc_redis_up` gauge (the proxy's metric list or a prom-client Registry). */
  metrics?: MetricSink
  /**
   * How long one command may take before it fails (default 100 ms): the most a request pays for
   * finding Redis gone (docs/contract.md §11).
   */
  commandTimeoutMs?: number
  /** The longest pause between two reconnect attempts (default 2000 ms; contract §11: at least every 2 s). */
  maxRetryDelayMs?: number
}

const DEFAULT_COMMAND_TIMEOUT_MS = 100
const DEFAULT_MAX_RETRY_DELAY_MS = 2000
/**
 * A socket with commands pending and nothing heard for this long is dead (a peer gone without a
 * reset): ioredis destroys it and reconnects, so later commands fail at once instead of each
 * waiting out the command timeout.
 */
const DEAD_SOCKET_MS = 1000

/**
 * Connects to Redis in the background and returns at once; `up` turns true when the server is
 * ready. While Redis is unreachable nothing waits on it (docs/contract.md §11): no offline queue,
 * a command timeout, pending commands failed as soon as the connection drops and never resent
 * (a resent admit would take a slot nobody releases), reconnect attempts forever at most
 * `maxRetryDelayMs` apart. Logs one warning when the link goes down and one info when it comes
 * back; never the URL's password.
 *
 * @throws {RedisUrlError} when the URL is not a redis: or rediss: URL
 * @example
 * ```ts
 * const link = connectRedis({ url: env.PROXY_REDIS_URL, prefix: env.PROXY_REDIS_PREFIX, logger })
 * link.onDown(() => logger.debug('limits fail open'))
 * ```
 */
export function connectRedis(options: ConnectRedisOptions): RedisLink {
  const target = parseRedisUrl(options.url)
  const maxDelay = options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS
  const commandTimeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
  const attemptMs = Math.max(50, Math.floor(maxDelay / 2))
  const client = new Redis({
    ...target.options,
    enableOfflineQueue: false,
    // Commands of one event-loop turn (many requests' admits, records, releases) go out in one
    // write and come back in one read: at 50 concurrent requests this halves Redis's cost per
    // request, and order per connection is kept.
    enableAutoPipelining: true,
    commandTimeout,
    socketTimeout: Math.max(DEAD_SOCKET_MS, commandTimeout * 2),
    // An attempt's own time plus the pause before the next stay within maxDelay, so a replica
    // tries again at least that often even when the host swallows packets.
    connectTimeout: attemptMs,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), attemptMs),
    // The first connect is not awaited: a replica starts serving with Redis down (contract §11).
    lazyConnect: false,
  })
  const ups = new Set<() => void>()
  const downs = new Set<() => void>()
  let up = false
  let closed = false
  // One warning per outage, also when the very first connect fails.
  let warned = false
  let lastError: string | undefined

  const notify = (listeners: Set<() => void>) => {
    for (const listener of [...listeners]) {
      try {
        listener()
      } catch {
        // A listener's failure is its own; the link's state is already set.
      }
    }
  }
  const goDown = () => {
    if (!warned && !closed) {
      warned = true
      options.logger.warn(
        { redis: target.description, err: lastError },
        'redis unreachable: going on with local state, reconnecting',
      )
    }
    if (!up) return
    up = false
    notify(downs)
  }

  // ioredis emits an error per failed attempt; the outage is logged once by goDown.
  client.on('error', (error: Error) => void (lastError = error.message))
  client.on('close', goDown)
  client.on('end', goDown)
  client.on('ready', () => {
    if (up || closed) return
    up = true
    lastError = undefined
    if (warned) options.logger.info({ redis: target.description }, 'redis reachable again')
    warned = false
    notify(ups)
  })

  if (options.metrics) registerRedisUpGauge(() => up, options.metrics)

  const listen = (set: Set<() => void>, listener: () => void) => {
    set.add(listener)
    return () => void set.delete(listener)
  }
  return {
    client,
    prefix: options.prefix ?? 'qcc:',
    description: target.description,
    get up() {
      return up
    },
    onUp: (listener) => listen(ups, listener),
    onDown: (listener) => listen(downs, listener),
    whenUp(timeoutMs) {
      if (up) return Promise.resolve(true)
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          off()
          resolve(false)
        }, timeoutMs)
        const off = listen(ups, () => {
          clearTimeout(timer)
          off()
          resolve(true)
        })
      })
    },
    async close() {
      if (closed) return
      closed = true
      up = false
      ups.clear()
      downs.clear()
      client.disconnect(false)
    },
  }
}

/**
 * Registers `qcc_redis_up` (1 while `link` is up) in a metric sink: for a link connected before
 * the sink existed (the runtime connects Redis before it builds routing and its metrics).
 */
export function watchRedisLink(link: Pick<RedisLink, 'up'>, metrics: MetricSink): void {
  registerRedisUpGauge(() => link.up, metrics)
}

function registerRedisUpGauge(up: () => boolean, metrics: MetricSink): void {
  new CollectedGauge({
    name: 'qcc_redis_up',
    help: '1 while this replica is connected to Redis',
    registry: metrics,
    collect: () => [{ value: up() ? 1 : 0 }],
  })
}
