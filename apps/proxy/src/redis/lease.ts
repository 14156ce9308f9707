import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { RedisLink } from './connection'
import { LuaScript } from './lua-script'

/*
 * Leases in Redis (docs/contract.md §11): one key per leased thing, holding the id of the replica
 * that holds it, with a TTL so a replica that dies without letting go frees it by itself. Only the
 * holder extends or deletes its key (the scripts compare the value first), so a replica whose lease
 * expired and was taken by another can never extend or drop the new holder's.
 */

/**
 * Takes the lease when it is free, or extends it when it is already ours. KEYS: the lease. ARGV:
 * holder, ttl ms. Answers 1 when the lease is ours afterwards, else 0. Taking our own lease again
 * counts as taken: a SET that reached Redis but whose answer was lost to a timeout must not lock
 * its own replica out until the TTL ends.
 */
const ACQUIRE = new LuaScript(`
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`)

/** Extends the lease only if it is ours. KEYS: the lease. ARGV: holder, ttl ms. Answers 1 or 0. */
const RENEW = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`)

/** Deletes the lease only if it is ours. KEYS: the lease. ARGV: holder. Answers 1 or 0. */
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`)

/** `acquired`: ours until the TTL ends; `taken`: another replica holds it; `down`: Redis did not answer. */
export type AcquireAnswer = 'acquired' | 'taken' | 'down'
/** `renewed`: still ours; `lost`: expired, deleted (a Redis restart) or another's; `down`: no answer. */
export type RenewAnswer = 'renewed' | 'lost' | 'down'
/** `released`: deleted; `not_held`: it was not ours (or gone already); `down`: no answer. */
export type ReleaseAnswer = 'released' | 'not_held' | 'down'

/** Why a lease call was refused before it reached Redis. */
export class LeaseError extends Error {
  constructor(
    readonly code: 'invalid_ttl' | 'invalid_holder',
    message: string,
  ) {
    super(message)
    this.name = 'LeaseError'
  }
}

/**
 * An id for this replica as a lease holder: host, process and a random part, so two processes on
 * one host, or one restarted with the same pid, never pass for each other.
 */
export function replicaHolderId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
}

/**
 * The leases of one replica over its Redis link. Every call answers at once while the link is down
 * (`down`, never an exception: a timed-out or failed command is `down` too), and the caller decides
 * what to do without Redis (probes run anyway, a tunnel holder keeps running).
 *
 * @example
 * ```ts
 * const leases = new RedisLeases(link, replicaHolderId())
 * if ((await leases.acquire('tunnel', 15_000)) === 'acquired') startTunnel()
 * ```
 */
export class RedisLeases {
  /** @throws {LeaseError} `invalid_holder` for an empty holder id */
  constructor(
    private readonly link: RedisLink,
    /** This replica's id, the value of every lease it holds. */
    readonly holder: string,
  ) {
    if (holder.length === 0) throw new LeaseError('invalid_holder', 'a lease holder id is needed')
  }

  /** The Redis key of lease `name` (the link's prefix put before it). */
  keyOf(name: string): string {
    return `${this.link.prefix}${name}`
  }

  /**
   * Takes lease `name` for `ttlMs` when it is free (SET NX PX), or extends it when it is ours.
   * @throws {LeaseError} `invalid_ttl` unless `ttlMs` is a positive integer
   */
  async acquire(name: string, ttlMs: number): Promise<AcquireAnswer> {
    const answer = await this.run(ACQUIRE, name, [this.holder, checkedTtl(ttlMs)])
    return answer === undefined ? 'down' : answer === 1 ? 'acquired' : 'taken'
  }

  /**
   * Extends lease `name` to `ttlMs` from now, only if it is ours.
   * @throws {LeaseError} `invalid_ttl` unless `ttlMs` is a positive integer
   */
  async renew(name: string, ttlMs: number): Promise<RenewAnswer> {
    const answer = await this.run(RENEW, name, [this.holder, checkedTtl(ttlMs)])
    return answer === undefined ? 'down' : answer === 1 ? 'renewed' : 'lost'
  }

  /**
   * Takes lease `name` for `ttlMs` whoever holds it (an operator's explicit choice of replica);
   * the previous holder finds out at its next renew.
   * @throws {LeaseError} `invalid_ttl` unless `ttlMs` is a positive integer
   */
  async take(name: string, ttlMs: number): Promise<'acquired' | 'down'> {
    const ttl = checkedTtl(ttlMs)
    if (!this.link.up) return 'down'
    try {
      await this.link.client.set(this.keyOf(name), this.holder, 'PX', ttl)
      return 'acquired'
    } catch {
      return 'down'
    }
  }

  /** Lets lease `name` go, only if it is ours, so another replica may take it at once. */
  async release(name: string): Promise<ReleaseAnswer> {
    const answer = await this.run(RELEASE, name, [this.holder])
    return answer === undefined ? 'down' : answer === 1 ? 'released' : 'not_held'
  }

  /** Runs a lease script; undefined when Redis is down or did not answer in time. */
  private async run(
    script: LuaScript,
    name: string,
    args: ReadonlyArray<string | number>,
  ): Promise<number | undefined> {
    if (!this.link.up) return undefined
    try {
      return Number(await script.run(this.link.client, [this.keyOf(name)], args))
    } catch {
      return undefined
    }
  }
}

function checkedTtl(ttlMs: number): number {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0)
    throw new LeaseError(
      'invalid_ttl',
      `a lease TTL must be a positive whole number of ms, not ${ttlMs}`,
    )
  return ttlMs
}
