import { StickyBindings, type StickyObserver, type StickyOptions } from '@qcc/core'
// Types only: a replica without Redis never loads ioredis through this file.
import type { RedisLink } from './connection'
import { LuaScript } from './lua-script'

/*
 * A binding in Redis is one string key, `<prefix>sticky:<accountId>:<sessionId>`, whose value is
 * `<ttlMs>:<boundAt>:<nodeId>` (numbers first, so a node id may hold any character) and whose
 * PX TTL is the binding's: soft state that goes away by itself (docs/contract.md §11).
 */

/**
 * load. KEYS[1]: the binding. Answers its value, or nil, and restarts its TTL (the value's first
 * field): the session is being served again, as a local binding lives on while it is used.
 */
const LOAD = new LuaScript(`
local v = redis.call('GET', KEYS[1])
if not v then return false end
local ttl = tonumber(string.match(v, '^(%d+):'))
if ttl and ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return v
`)

/**
 * drop. KEYS: bindings. ARGV: a node id and a time. Deletes those still bound to that node
 * before that time (a session re-bound since, to it or another node, is kept); answers how many.
 */
const DROP = new LuaScript(`
local n = 0
local before = tonumber(ARGV[2])
for i = 1, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v then
    local at, node = string.match(v, '^%d+:(%d+):(.*)$')
    if node == ARGV[1] and tonumber(at) < before then
      redis.call('DEL', KEYS[i])
      n = n + 1
    end
  end
end
return n
`)

/** Keys asked of SCAN per page, and the most pages one unstick sweeps (500 000 keys looked at). */
const SCAN_COUNT = 500
const SCAN_PAGES = 1000

const ignore = (): void => {}

/** Binds made while Redis was away that are kept for writing back (about 100 bytes each). */
const MAX_OFFLINE = 10_000

function firstKey(map: Map<string, unknown>): string {
  return map.keys().next().value as string
}

export interface SharedStickyOptions {
  link: RedisLink
  /** The local bindings' options (TTL, LRU bound); their observer is the shared copy. */
  sticky?: Omit<StickyOptions, 'onChange'>
  /**
   * When an unstick last dropped the node's bindings (the directory's node `unstuckAt`), epoch
   * ms; undefined for never or an unknown node. A binding made before it is stale.
   */
  unstuckAt: (nodeId: string) => number | undefined
  /** The clock adopted bindings expire by (the planner's clock). */
  now: () => number
}

/**
 * This replica's session bindings, mirrored in Redis so a Claude Code session bound to a node on
 * one replica stays on it through any other (docs/contract.md §11, §13). The planner keeps using
 * the local {@link bindings} synchronously: each bind and drop there is written to Redis fire and
 * forget (never awaited, failures ignored), and {@link load} brings a session's binding from
 * Redis in one round trip before its request is planned. While Redis is up it is the truth: a
 * binding it no longer has is dropped here too. While the link is down nothing waits on it and
 * the local bindings work alone, as on a single replica.
 *
 * @example
 * ```ts
 * const shared = new SharedSticky({ link, unstuckAt: (id) => undefined, now: Date.now })
 * const planner = new AttemptPlanner({ health, clock, random, sticky: shared.bindings })
 * await shared.load('acme', sessionId) // then plan the request
 * ```
 */
export class SharedSticky implements StickyObserver {
  /** The local bindings the planner reads and writes; their changes reach Redis. */
  readonly bindings: StickyBindings
  private readonly link: RedisLink
  private readonly unstuckAt: (nodeId: string) => number | undefined
  private readonly now: () => number
  /**
   * This replica's own unsticks, per node: they count at once, before the directory reloads the
   * node's new `unstuckAt` (one number per node ever unstuck here).
   */
  private readonly unstuckHere = new Map<string, number>()
  /**
   * Binds made while the link was down, by Redis key, until a load writes them to Redis: the
   * outage's bindings are newer than whatever Redis kept, and must not be lost when it is back
   * (bounded: the oldest go first).
   */
  private readonly madeOffline = new Map<string, StoredBinding>()
  /**
   * The TTL and node each Redis key was last loaded with or written, by key (bounded like
   * {@link madeOffline}): a bind to that same node after a load is not written again, the load
   * already restarted its TTL. Most requests of a session are such re-binds: one command saved.
   */
  private readonly inRedis = new Map<string, string>()

  /** @throws CoreError `invalid_config` for bad `sticky` options (see `StickyBindings`) */
  constructor(options: SharedStickyOptions) {
    this.link = options.link
    this.unstuckAt = options.unstuckAt
    this.now = options.now
    this.bindings = new StickyBindings({ ...options.sticky, onChange: this })
  }

  /**
   * Brings a session's binding from Redis into the local bindings (or drops the local one when
   * Redis has none, or only a binding from before its node's last unstick). Undefined at once
   * while the link is down; otherwise a promise that never rejects: when Redis fails to answer
   * (at most the link's command timeout), the local binding stays as it is.
   */
  load(accountId: string, sessionId: string): Promise<void> | undefined {
    if (!this.link.up) return undefined
    const key = this.key(accountId, sessionId)
    return LOAD.run(this.link.client, [key], []).then(
      (value) => this.take(accountId, sessionId, key, value),
      ignore,
    )
  }

  /** Observer of the local bindings: writes a bind to Redis (a TTL of 0 binds nothing). */
  bound(accountId: string, sessionId: string, nodeId: string, ttlMs: number, now: number): void {
    if (!Number.isFinite(ttlMs)) return
    const key = this.key(accountId, sessionId)
    const ttl = Math.ceil(ttlMs)
    if (!this.link.up) {
      this.madeOffline.delete(key)
      this.madeOffline.set(key, { ttlMs: ttl, boundAt: Math.floor(now), nodeId })
      if (this.madeOffline.size > MAX_OFFLINE) this.madeOffline.delete(firstKey(this.madeOffline))
      return
    }
    if (ttl > 0 && this.inRedis.get(key) === `${ttl}:${nodeId}`) return
    const sent =
      ttl > 0
        ? this.link.client.set(key, `${ttl}:${Math.floor(now)}:${nodeId}`, 'PX', ttl)
        : this.link.client.del(key)
    this.remember(key, ttl > 0 ? `${ttl}:${nodeId}` : undefined)
    sent.catch(() => this.remember(key, undefined))
  }

  /** Observer of the local bindings: deletes a dropped binding (the TTFB break) from Redis. */
  dropped(accountId: string, sessionId: string): void {
    const key = this.key(accountId, sessionId)
    this.madeOffline.delete(key)
    this.remember(key, undefined)
    if (!this.link.up) return
    this.link.client.del(key).catch(ignore)
  }

  /**
   * Deletes a tenant's bindings to a node from Redis (`POST /admin/api/nodes/unstick`); the local
   * ones are the caller's (`bindings.unbindNode`). Until the directory reloads the node's new
   * `unstuckAt`, {@link load} here already counts this unstick. A SCAN over the tenant's keys in
   * bounded pages rather than a per-node set of sessions: an unstick is a rare admin action,
   * while a set would cost every bind a second write and keep stale members after each rebind.
   * What a cut-short sweep misses, {@link load} drops by the node's `unstuckAt`.
   *
   * @returns how many bindings were deleted (0 at once while the link is down; never rejects)
   */
  async unbindNode(accountId: string, nodeId: string): Promise<number> {
    this.unstuckHere.set(nodeId, Math.floor(this.now()) + 1)
    if (!this.link.up) return 0
    // Every binding to the node, whatever its time: a replica whose clock runs ahead may have
    // stamped one made just before the unstick later than this clock's now. One made during the
    // sweep may go too; that session is merely placed afresh.
    const before = Number.MAX_SAFE_INTEGER
    const match = `${globEscape(this.link.prefix)}sticky:${globEscape(accountId)}:*`
    let cursor = '0'
    let dropped = 0
    try {
      for (let page = 0; page < SCAN_PAGES; page++) {
        const [next, keys] = await this.link.client.scan(
          cursor,
          'MATCH',
          match,
          'COUNT',
          SCAN_COUNT,
        )
        if (keys.length > 0)
          dropped += Number(await DROP.run(this.link.client, keys, [nodeId, before]))
        cursor = next
        if (cursor === '0') break
      }
    } catch {
      // Redis went away mid-sweep: the rest is dropped by `load`'s unstuck_at check.
    }
    return dropped
  }

  private take(accountId: string, sessionId: string, key: string, value: unknown): void {
    const stored = typeof value === 'string' ? parseBinding(value) : undefined
    this.remember(key, stored && `${stored.ttlMs}:${stored.nodeId}`)
    const offline = this.madeOffline.get(key)
    if (offline !== undefined) {
      this.madeOffline.delete(key)
      // Bound here while Redis was away, later than anything Redis holds: the local binding
      // stays, and Redis learns it now.
      if (stored === undefined || stored.boundAt <= offline.boundAt) {
        const left = offline.boundAt + offline.ttlMs - Math.floor(this.now())
        if (left > 0 && offline.ttlMs > 0) {
          this.link.client
            .set(key, `${offline.ttlMs}:${offline.boundAt}:${offline.nodeId}`, 'PX', left)
            .catch(ignore)
          this.remember(key, `${offline.ttlMs}:${offline.nodeId}`)
        }
        return
      }
    }
    const binding = stored
    if (binding === undefined) {
      this.bindings.discard(accountId, sessionId)
      return
    }
    const unstuckAt = Math.max(
      this.unstuckAt(binding.nodeId) ?? 0,
      this.unstuckHere.get(binding.nodeId) ?? 0,
    )
    if (binding.boundAt < unstuckAt) {
      // Made before its node's unstick, and missed by the unsticking replica's sweep.
      this.bindings.discard(accountId, sessionId)
      this.remember(key, undefined)
      DROP.run(this.link.client, [key], [binding.nodeId, unstuckAt]).catch(ignore)
      return
    }
    this.bindings.adopt(accountId, sessionId, binding.nodeId, this.now() + binding.ttlMs)
  }

  /** Notes what Redis holds for a key now, `<ttlMs>:<nodeId>` (undefined: nothing, or unknown). */
  private remember(key: string, binding: string | undefined): void {
    this.inRedis.delete(key)
    if (binding === undefined) return
    this.inRedis.set(key, binding)
    if (this.inRedis.size > MAX_OFFLINE) this.inRedis.delete(firstKey(this.inRedis))
  }

  private key(accountId: string, sessionId: string): string {
    return `${this.link.prefix}sticky:${accountId}:${sessionId}`
  }
}

interface StoredBinding {
  ttlMs: number
  boundAt: number
  nodeId: string
}

/** `<ttlMs>:<boundAt>:<nodeId>`, or undefined for anything else. */
function parseBinding(value: string): StoredBinding | undefined {
  const first = value.indexOf(':')
  const second = value.indexOf(':', first + 1)
  if (first <= 0 || second <= first + 1 || second === value.length - 1) return undefined
  const ttlMs = Number(value.slice(0, first))
  const boundAt = Number(value.slice(first + 1, second))
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs) || !Number.isFinite(boundAt)) return undefined
  return { ttlMs, boundAt, nodeId: value.slice(second + 1) }
}

/** A literal for a SCAN MATCH pattern: glob characters escaped. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}
