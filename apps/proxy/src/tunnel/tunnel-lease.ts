/**
 * One Cloudflare Tunnel for all replicas (docs/contract.md §11): with Redis, only the replica that
 * holds the lease `<prefix>tunnel` runs `cloudflared`. The holder renews it every few seconds;
 * the others try to take it every few seconds while the stored config is enabled, so when the
 * holder dies its lease runs out and another takes over well within 30 s.
 *
 * - A holder whose renew finds the lease gone takes it back at once when it is free (a Redis that
 *   restarted empty) and otherwise ends its child with `close()` (never `stop()`, which would
 *   remove the tunnel the new holder runs).
 * - While Redis is down the holder keeps running and the others do not start (nobody can take
 *   over); when it comes back the holder re-acquires at once and the others wait a renew period
 *   first, so the holder's own reconnect (at most 2 s) wins.
 * - The holder publishes its state beside the lease, so every replica answers `GET /tunnel` with
 *   the running tunnel's status and URL.
 * - An operator's start on a non-holder answers the holder's state while the holder runs (or
 *   starts) the tunnel, takes the lease when it is free, and takes it over from a holder whose
 *   tunnel is not running (a failed setup), so start always does something. A stop anywhere saves
 *   `enabled: false`; the holder sees it at its next renew and stops (removing the Cloudflare setup).
 */
import type { Logger } from '../observability/logger'
import type { RedisLink } from '../redis/connection'
import { RedisLeases } from '../redis/lease'
import type { TunnelState, TunnelSupervisor } from './supervisor'

export interface TunnelLeaseOptions {
  /** The replica's own supervisor; the lease decides when it runs. */
  supervisor: TunnelSupervisor
  link: RedisLink
  /** This replica's lease holder id (redis/lease.ts `replicaHolderId`). */
  holder: string
  logger: Pick<Logger, 'info' | 'warn'>
  /** Lease TTL (default 15 s): how long a dead holder blocks a takeover. */
  ttlMs?: number
  /** How often the holder renews (default 5 s); also the others' wait after Redis comes back. */
  renewMs?: number
  /** How often a non-holder tries to take the lease (default 3 s). */
  tryMs?: number
  now?: () => number
}

/** The supervisor behind a lease, plus whether this replica holds it. */
export interface LeasedTunnel extends TunnelSupervisor {
  /** True while this replica holds the tunnel lease. */
  holdsLease(): boolean
}

/** A lease that would run out between two renewals. */
export class TunnelLeaseError extends Error {
  readonly code = 'invalid_timing'
  constructor(message: string) {
    super(message)
    this.name = 'TunnelLeaseError'
  }
}

const LEASE = 'tunnel'
const PUBLISHED = 'tunnel:state'
const LIVE = new Set<TunnelState['status']>(['starting', 'running', 'restarting'])

/**
 * Wraps `supervisor` so the tunnel runs on one replica at a time; nothing runs before `autoStart`
 * or an operator's `start`.
 * @throws {TunnelLeaseError} `invalid_timing` unless `renewMs` is below `ttlMs`
 */
export function leaseTunnel(options: TunnelLeaseOptions): LeasedTunnel {
  const { supervisor, link, logger } = options
  const ttlMs = options.ttlMs ?? 15_000
  const renewMs = options.renewMs ?? 5000
  const tryMs = options.tryMs ?? 3000
  const now = options.now ?? Date.now
  if (!(renewMs > 0 && renewMs < ttlMs && tryMs > 0))
    throw new TunnelLeaseError(
      `tunnel lease: renew (${renewMs} ms) must come before the TTL (${ttlMs} ms)`,
    )
  const leases = new RedisLeases(link, options.holder)
  let holding = false
  let active = false
  let closed = false
  let timer: NodeJS.Timeout | undefined
  let steps: Promise<void> = Promise.resolve()
  // A start this replica began as holder; the renew step leaves the config alone until it is done.
  let starting: Promise<TunnelState> | undefined
  // Non-holders try no earlier than this (a renew period after Redis came back).
  let notBefore = 0

  const warn = (err: unknown) => logger.warn({ err }, 'tunnel lease: step failed')
  const arm = () => {
    clearTimeout(timer)
    // A holder renews even before autoStart (an operator's start came first).
    if (closed || (!active && !holding)) return
    timer = setTimeout(kick, holding ? renewMs : tryMs)
    timer.unref()
  }
  // One step at a time; each is bounded (Redis commands time out in 100 ms).
  function kick() {
    clearTimeout(timer)
    steps = steps.then(step).catch(warn).finally(arm)
  }

  const publish = async (state?: TunnelState) => {
    if (!holding || !link.up) return
    const s = state ?? (await supervisor.state())
    const value = JSON.stringify({ holder: leases.holder, state: s })
    await link.client.set(leases.keyOf(PUBLISHED), value, 'PX', ttlMs).catch(() => undefined)
  }
  /** Holds the lease and starts the tunnel here (a no-op start when it already runs). */
  const becomeHolder = (why: string): Promise<TunnelState> => {
    holding = true
    logger.info({ why }, 'tunnel lease: this replica runs the tunnel')
    const run = supervisor.start().then(async (s) => {
      await publish(s)
      return s
    })
    starting = run
    arm()
    void run.finally(() => void (starting === run && (starting = undefined))).catch(warn)
    return run
  }
  const loseLease = () => {
    holding = false
    logger.warn('tunnel lease: another replica holds the tunnel lease; ending cloudflared here')
    // close, not stop: the Cloudflare setup is the new holder's now. Not awaited, so renewals
    // and tries go on while a start still in flight finishes before it.
    void supervisor.close().catch(warn)
  }
  const release = async () => {
    holding = false
    await leases.release(LEASE)
  }

  const holderStep = async () => {
    let answer = await leases.renew(LEASE, ttlMs)
    // Gone (a restarted Redis, or expired): free leases are taken back at once.
    if (answer === 'lost' && (await leases.acquire(LEASE, ttlMs)) === 'acquired') answer = 'renewed'
    if (answer === 'down') return
    if (answer === 'lost') return loseLease()
    if (starting) return publish()
    const s = await supervisor.state()
    if (!s.enabled && s.status !== 'stopping') {
      // An operator stopped it on another replica (the store says disabled): stop here, which
      // removes the Cloudflare setup; a holder whose start failed just lets the lease go.
      if (s.status === 'running' || s.status === 'restarting') await supervisor.stop()
      logger.info('tunnel lease: tunnel disabled; letting the lease go')
      return release()
    }
    await publish(s)
  }
  async function step() {
    if (closed || !link.up) return
    if (holding) return holderStep()
    if (now() < notBefore) return
    if (!(await supervisor.state()).enabled) return
    if ((await leases.acquire(LEASE, ttlMs)) === 'acquired')
      void becomeHolder('lease was free').catch(warn)
  }

  /** The holder's published state over this replica's config, when another replica holds the lease. */
  const holderState = async (): Promise<TunnelState | undefined> => {
    if (holding || !link.up) return undefined
    try {
      const [holder, published] = await link.client.mget(
        leases.keyOf(LEASE),
        leases.keyOf(PUBLISHED),
      )
      if (!holder || holder === leases.holder || !published) return undefined
      const p = JSON.parse(published) as { holder: string; state: TunnelState }
      if (p.holder !== holder) return undefined
      const own = await supervisor.state()
      const { status, publicUrl, tunnelId, pid, restarts, lastError, updatedAt } = p.state
      return { ...own, status, publicUrl, tunnelId, pid, restarts, lastError, updatedAt }
    } catch {
      return undefined
    }
  }
  const unreachable = async (): Promise<TunnelState> => ({
    ...(await supervisor.state()),
    lastError: 'not started: Redis is unreachable, so this replica cannot take the tunnel lease',
  })

  const offUp = link.onUp(() => {
    if (holding) kick()
    else notBefore = now() + renewMs
  })

  return {
    state: async () => (await holderState()) ?? supervisor.state(),
    configure: (patch) => supervisor.configure(patch),
    async start() {
      // Through becomeHolder also when holding already: the renew step must see the start in
      // flight, or it could let the lease go while cloudflared is about to run.
      if (holding) return becomeHolder('started by an operator')
      if (!link.up) return unreachable()
      let answer: 'acquired' | 'taken' | 'down' = await leases.acquire(LEASE, ttlMs)
      if (answer === 'taken') {
        const other = await holderState()
        if (other && LIVE.has(other.status)) return other
        answer = await leases.take(LEASE, ttlMs)
      }
      if (answer !== 'acquired') return unreachable()
      return becomeHolder('started by an operator')
    },
    async stop() {
      const s = await supervisor.stop()
      if (holding) await release()
      return s
    },
    async autoStart(origin) {
      await supervisor.autoStart(origin, { run: false })
      if (closed) return
      active = true
      kick()
    },
    async close() {
      closed = true
      clearTimeout(timer)
      offUp()
      await steps
      await supervisor.close()
      // Let go at once so another replica takes over at its next try, not after the TTL.
      if (holding) await release()
    },
    isRunning: () => supervisor.isRunning(),
    holdsLease: () => holding,
  }
}
