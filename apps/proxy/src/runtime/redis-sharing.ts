import type { Env } from '../env'
import type { EventBus } from '../events/bus'
import type { LimitCounters } from '../limits/counters'
import type { MemoryLimitCounters } from '../limits/memory-counters'
import type { Logger } from '../observability/logger'
import type { MetricSink } from '../observability/hot-metrics'
import type { RedisLink } from '../redis/connection'
import type { EventRelay } from '../redis/event-relay'
import type { HealthScheduler } from '../health/scheduler'
import type { TunnelSupervisor } from '../tunnel/supervisor'

/**
 * What a replica shares through Redis beyond its link (docs/contract.md §11): the limit counters,
 * the event relay (config changes and console events), a probe lease per node and the tunnel
 * lease. Sticky bindings are routing's (routing-runtime.ts), the login throttle and download
 * links the admin API's, on the same link.
 */
export interface RedisSharing {
  link: RedisLink
  counters: LimitCounters
  relay: EventRelay
  /** The tunnel run only while this replica holds the tunnel lease. */
  leaseTunnel(supervisor: TunnelSupervisor): TunnelSupervisor
  /** Ends the relay and the counters (the link is closed by the caller, last). */
  close(): Promise<void>
}

/**
 * Connects to `PROXY_REDIS_URL` in the background (a replica starts serving with Redis down,
 * docs/contract.md §11), or answers undefined without it. Loaded by the runtime only when
 * configured, so a replica without Redis never loads ioredis.
 */
export async function connectSharedRedis(env: Env, logger: Logger): Promise<RedisLink | undefined> {
  if (env.PROXY_REDIS_URL === undefined) return undefined
  const { connectRedis } = await import('../redis/connection')
  return connectRedis({ url: env.PROXY_REDIS_URL, prefix: env.PROXY_REDIS_PREFIX, logger })
}

export interface RedisSharingDeps {
  link: RedisLink
  /** This process among the replicas (event origins, lease holders). */
  replicaId: string
  /** Claims each probe in Redis first: a node is probed once per interval in all. */
  scheduler: Pick<HealthScheduler, 'useClaim'>
  events: EventBus
  logger: Logger
  metrics: MetricSink
  /** The in-process counters: the fallback while Redis is away. */
  fallback: MemoryLimitCounters
  limitLeaseMs?: number | undefined
}

/**
 * Builds the counters, the relay and the leases on a connected link, and registers
 * `qcc_redis_up`.
 */
export async function shareThroughRedis(deps: RedisSharingDeps): Promise<RedisSharing> {
  const [
    { watchRedisLink },
    { createRedisLimitCounters },
    { startEventRelay },
    { RedisLeases },
    { createProbeClaim },
    { leaseTunnel },
  ] = await Promise.all([
    import('../redis/connection'),
    import('../limits/redis-counters'),
    import('../redis/event-relay'),
    import('../redis/lease'),
    import('../health/probe-lease'),
    import('../tunnel/tunnel-lease'),
  ])
  watchRedisLink(deps.link, deps.metrics)
  deps.scheduler.useClaim(createProbeClaim(new RedisLeases(deps.link, deps.replicaId)))
  const counters = createRedisLimitCounters({
    link: deps.link,
    fallback: deps.fallback,
    leaseMs: deps.limitLeaseMs,
  })
  // Kept through the drain: other replicas' consoles still get this one's last events.
  const relay = startEventRelay({
    link: deps.link,
    bus: deps.events,
    replicaId: deps.replicaId,
    log: deps.logger,
  })
  return {
    link: deps.link,
    counters,
    relay,
    leaseTunnel: (supervisor) =>
      leaseTunnel({ supervisor, link: deps.link, holder: deps.replicaId, logger: deps.logger }),
    async close() {
      await counters.close()
      await relay.close()
    },
  }
}
