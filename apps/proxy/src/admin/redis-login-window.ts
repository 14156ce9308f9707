import { createHash, randomUUID } from 'node:crypto'
import {
  MemoryLoginWindow,
  type EndedAttempt,
  type LoginWindow,
  type LoginWindowLimits,
  type WindowAdmission,
} from './throttle'
import type { RedisLink } from '../redis/connection'
import { LuaScript } from '../redis/lua-script'

/*
 * Keys (docs/contract.md §11: login throttling counts across replicas), under the link's prefix,
 * named by a SHA-256 so that account names and addresses are not kept in Redis as typed:
 *   login:pair:<sha256(address \n account)>:f   ZSET attempt id -> failure time (TTL the window)
 *   login:pair:<…>:p                            ZSET attempt id -> start time (TTL the pending bound)
 *   login:addr:<sha256(address)>:f / :p         the same for the address
 * The Lua is MemoryFailureWindow's rules (admin/failure-window.ts) over these sets; every script
 * takes its clock in ARGV.
 */

/** Drops what left the window (failures) or the pending bound (attempts nobody ended). */
const WAIT_FOR_ROOM = `
local function wait_for_room(fkey, pkey, limit, now, win, pend)
  redis.call('ZREMRANGEBYSCORE', fkey, '-inf', now - win)
  redis.call('ZREMRANGEBYSCORE', pkey, '-inf', now - pend)
  local failures = redis.call('ZCARD', fkey)
  local room = limit - redis.call('ZCARD', pkey) - 1
  if failures <= room then return 0 end
  if room < 0 then return -1 end
  local e = redis.call('ZRANGE', fkey, failures - room - 1, failures - room - 1, 'WITHSCORES')
  return math.max(1, tonumber(e[2]) + win - now)
end
`

/**
 * begin. KEYS: pair failures, pair pending, address failures, address pending. ARGV: now,
 * windowMs, pendingMs, pairLimit, addressLimit, attempt id. Answers 0 when admitted (the attempt
 * is then pending on both keys), ms > 0 while locked, -1 while pending attempts fill a limit.
 */
const BEGIN = new LuaScript(`${WAIT_FOR_ROOM}
local now, win, pend = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local a = wait_for_room(KEYS[1], KEYS[2], tonumber(ARGV[4]), now, win, pend)
local b = wait_for_room(KEYS[3], KEYS[4], tonumber(ARGV[5]), now, win, pend)
if math.max(a, b) > 0 then return math.max(a, b) end
if a < 0 or b < 0 then return -1 end
for _, pkey in ipairs({KEYS[2], KEYS[4]}) do
  redis.call('ZADD', pkey, now, ARGV[6])
  redis.call('PEXPIRE', pkey, pend)
end
return 0
`)

/**
 * end. KEYS as begin. ARGV: now, windowMs, pairLimit, addressLimit, attempt id, pair outcome,
 * address outcome. The attempt stops pending; a failure is added (the newest `limit` kept), a
 * success forgets the key's failures, an abandoned attempt leaves nothing.
 */
const END = new LuaScript(`
local now, win, id = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[5]
local function finish(fkey, pkey, limit, outcome)
  redis.call('ZREM', pkey, id)
  if outcome == 'failed' then
    redis.call('ZADD', fkey, now, id)
    redis.call('ZREMRANGEBYRANK', fkey, 0, -(limit + 1))
    redis.call('PEXPIRE', fkey, win)
  elseif outcome == 'succeeded' then
    redis.call('DEL', fkey)
  end
end
finish(KEYS[1], KEYS[2], tonumber(ARGV[3]), ARGV[6])
finish(KEYS[3], KEYS[4], tonumber(ARGV[4]), ARGV[7])
return 0
`)

/** A check takes well under a second; an attempt nobody ends stops counting after this. */
const DEFAULT_PENDING_MS = 60_000

/** What a {@link RedisLoginWindow} counts with. */
export interface RedisLoginWindowOptions {
  link: RedisLink
  /** The throttle's numbers (`LOGIN_THROTTLE_DEFAULTS`). */
  limits: LoginWindowLimits
  /**
   * How long an admitted attempt counts as pending without being ended (default 60 s), so a
   * replica that dies mid-check locks nobody for longer.
   */
  pendingMs?: number
  /**
   * The window while Redis is unreachable or a command fails (default: a new one with `limits`).
   * It is told every outcome counted in Redis too, so it knows this process's own failures when
   * it must take over.
   */
  fallback?: MemoryLoginWindow
  /** Names each attempt in Redis (default `randomUUID`). */
  newId?: () => string
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

/**
 * The login window shared by every replica on one Redis (docs/contract.md §9, §11): failures and
 * pending attempts of pairs and addresses are counted in Redis by atomic scripts, so attempts
 * spread over replicas lock as if they had come to one. While the link is down (`link.up` false)
 * it asks Redis nothing and counts in its local fallback; a command that fails (at most the link's
 * command timeout, 100 ms) falls back the same way. Never throws.
 *
 * @example
 * ```ts
 * const window = new RedisLoginWindow({ link, limits: LOGIN_THROTTLE_DEFAULTS })
 * const logins = new LoginThrottle(LOGIN_THROTTLE_DEFAULTS, Date.now, window)
 * ```
 */
export class RedisLoginWindow implements LoginWindow {
  private readonly link: RedisLink
  private readonly limits: LoginWindowLimits
  private readonly pendingMs: number
  private readonly fallback: MemoryLoginWindow
  private readonly newId: () => string

  constructor(options: RedisLoginWindowOptions) {
    this.link = options.link
    this.limits = options.limits
    this.pendingMs = options.pendingMs ?? DEFAULT_PENDING_MS
    this.fallback = options.fallback ?? new MemoryLoginWindow(options.limits)
    this.newId = options.newId ?? randomUUID
  }

  async begin(pairKey: string, address: string, now: number): Promise<WindowAdmission> {
    if (!this.link.up) return this.fallback.begin(pairKey, address, now)
    const keys = this.keys(pairKey, address)
    const id = this.newId()
    const { windowMs, pairLimit, addressLimit } = this.limits
    let wait: number
    try {
      const args = [now, windowMs, this.pendingMs, pairLimit, addressLimit, id]
      wait = Number(await BEGIN.run(this.link.client, keys, args))
    } catch {
      // Whether or not the script ran, an attempt left pending there ends with the bound.
      return this.fallback.begin(pairKey, address, now)
    }
    if (!Number.isFinite(wait)) return this.fallback.begin(pairKey, address, now)
    if (wait > 0) return { ok: false, reason: 'locked', retryAfterMs: wait }
    if (wait < 0) return { ok: false, reason: 'busy' }
    return { ok: true, end: (ended, at) => this.end(keys, id, pairKey, address, ended, at) }
  }

  private async end(
    keys: string[],
    id: string,
    pairKey: string,
    address: string,
    ended: EndedAttempt,
    now: number,
  ): Promise<void> {
    this.fallback.record(pairKey, address, ended, now)
    // Down: the attempt's pending entry in Redis goes with the bound; the failure is kept locally.
    if (!this.link.up) return
    const { windowMs, pairLimit, addressLimit } = this.limits
    const args = [now, windowMs, pairLimit, addressLimit, id, ended.pair, ended.address]
    await END.run(this.link.client, keys, args).catch(() => undefined)
  }

  private keys(pairKey: string, address: string): string[] {
    const pair = `${this.link.prefix}login:pair:${sha256(pairKey)}`
    const addr = `${this.link.prefix}login:addr:${sha256(address)}`
    return [`${pair}:f`, `${pair}:p`, `${addr}:f`, `${addr}:p`]
  }
}
