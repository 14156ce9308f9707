/**
 * Login throttling (docs/contract.md §9), in memory and per process. Pure apart from the injected clock.
 *
 * - An attempt is admitted *before* its password is hashed and counts as a failure until it
 *   ends, so parallel attempts cannot all slip in under the limit.
 * - At most `maxConcurrent` password checks run at once (each is a 128 MiB scrypt); more are
 *   refused as busy, never queued.
 * - Failures lock an (account, address) pair and an address, never an account for every
 *   address, so nobody can lock the owner out from somewhere else; a correct password from a
 *   clean address is not refused. A lock lasts until enough failures are older than the window;
 *   refused attempts are not failures, so hammering a lock does not extend it.
 */
export interface LoginThrottleOptions {
  /** Failures of one (account, address) pair within the window that lock the pair. */
  pairLimit: number
  /** Failures from one address (any account) within the window that lock the address. */
  addressLimit: number
  windowMs: number
  /** Password checks running at once in this process. */
  maxConcurrent: number
  /** `retry-after` when refused for being busy (a check takes well under this). */
  busyRetryMs: number
  /** Bound on remembered pairs and addresses each (oldest dropped), so floods cannot fill memory. */
  maxKeys: number
}

/** docs/contract.md §9's numbers: a pair locks after 5 failures in 15 minutes, an address after 20. */
export const LOGIN_THROTTLE_DEFAULTS: LoginThrottleOptions = {
  pairLimit: 5,
  addressLimit: 20,
  windowMs: 15 * 60_000,
  maxConcurrent: 4,
  busyRetryMs: 1000,
  maxKeys: 50_000,
}

/** An admitted attempt: end it exactly once (later calls do nothing). */
export interface LoginTicket {
  /** The password was right: the pair's failures are forgotten. */
  succeeded(): void
  /** The password was wrong: one failure for the pair and the address. */
  failed(): void
  /** The check could not be made (the store failed): no failure is counted. */
  abandoned(): void
}

export type Admission =
  { ok: true; ticket: LoginTicket } | { ok: false; reason: 'locked' | 'busy'; retryAfterMs: number }

interface KeyRecord {
  /** Times of the most recent failures, oldest first; at most `limit` are kept. */
  failures: number[]
  /** Admitted attempts still being checked (each counts as a failure meanwhile). */
  pending: number
}

/** Failures per key in a sliding window, with in-flight attempts counted against the limit. */
class FailureWindow {
  private readonly records = new Map<string, KeyRecord>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  /** Milliseconds until one more attempt may start, 0 when it may now. */
  waitMs(key: string, now: number): number {
    const rec = this.live(key, now)
    if (!rec) return 0
    // At most `room` failures may stay in the window for one more attempt to fit.
    const room = this.limit - rec.pending - 1
    if (rec.failures.length <= room) return 0
    // In-flight checks alone fill the limit: they end within a check's time.
    if (room < 0) return -1
    const mustExpire = rec.failures[rec.failures.length - room - 1] as number
    return Math.max(1, mustExpire + this.windowMs - now)
  }

  begin(key: string, now: number): void {
    const rec = this.live(key, now) ?? { failures: [], pending: 0 }
    rec.pending += 1
    this.touch(key, rec)
  }

  end(key: string, now: number, outcome: 'failed' | 'succeeded' | 'abandoned'): void {
    const rec = this.live(key, now) ?? { failures: [], pending: 1 }
    rec.pending = Math.max(0, rec.pending - 1)
    if (outcome === 'failed') {
      rec.failures.push(now)
      if (rec.failures.length > this.limit) rec.failures.splice(0, rec.failures.length - this.limit)
    } else if (outcome === 'succeeded') {
      rec.failures = []
    }
    if (rec.failures.length === 0 && rec.pending === 0) this.records.delete(key)
    else this.touch(key, rec)
  }

  /** The record with failures older than the window dropped; undefined when nothing is left. */
  private live(key: string, now: number): KeyRecord | undefined {
    const rec = this.records.get(key)
    if (!rec) return undefined
    const cutoff = now - this.windowMs
    while (rec.failures.length > 0 && (rec.failures[0] as number) <= cutoff) rec.failures.shift()
    if (rec.failures.length === 0 && rec.pending === 0) {
      this.records.delete(key)
      return undefined
    }
    return rec
  }

  /** Moves `key` to the young end; drops the oldest key beyond the bound. */
  private touch(key: string, rec: KeyRecord): void {
    this.records.delete(key)
    this.records.set(key, rec)
    if (this.records.size > this.maxKeys) {
      const oldest = this.records.keys().next().value
      if (oldest !== undefined) this.records.delete(oldest)
    }
  }
}

/** Admits password checks for login and password change (one instance per process). */
export class LoginThrottle {
  private readonly pairs: FailureWindow
  private readonly addresses: FailureWindow
  private running = 0

  constructor(
    private readonly options: LoginThrottleOptions,
    private readonly now: () => number,
  ) {
    this.pairs = new FailureWindow(options.pairLimit, options.windowMs, options.maxKeys)
    this.addresses = new FailureWindow(options.addressLimit, options.windowMs, options.maxKeys)
  }

  /** Password checks running now. */
  get inFlight(): number {
    return this.running
  }

  /**
   * Admits one check of `account`'s password (compared case-insensitively, as names are unique
   * that way) from `address`, or says how long to wait. Call before hashing anything.
   */
  admit(account: string, address: string): Admission {
    const now = this.now()
    const pairKey = `${address}\n${account.toLowerCase()}`
    const waits = [this.pairs.waitMs(pairKey, now), this.addresses.waitMs(address, now)]
    const locked = Math.max(...waits)
    if (locked > 0) return { ok: false, reason: 'locked', retryAfterMs: locked }
    if (waits.includes(-1) || this.running >= this.options.maxConcurrent) {
      return { ok: false, reason: 'busy', retryAfterMs: this.options.busyRetryMs }
    }
    this.running += 1
    this.pairs.begin(pairKey, now)
    this.addresses.begin(address, now)
    let open = true
    const end = (outcome: 'failed' | 'succeeded' | 'abandoned') => {
      if (!open) return
      open = false
      this.running -= 1
      const at = this.now()
      this.pairs.end(pairKey, at, outcome)
      // A right password says nothing about the address's other attempts: they stay counted.
      this.addresses.end(address, at, outcome === 'succeeded' ? 'abandoned' : outcome)
    }
    return {
      ok: true,
      ticket: {
        succeeded: () => end('succeeded'),
        failed: () => end('failed'),
        abandoned: () => end('abandoned'),
      },
    }
  }
}

/** How failed key lookups are throttled: per address, with login's numbers (docs/contract.md §10). */
export interface LookupThrottleOptions {
  /** Failed lookups from one address within the window that lock the address. */
  limit: number
  windowMs: number
  /** `retry-after` when lookups still running fill the limit (each ends within milliseconds). */
  busyRetryMs: number
  /** Bound on remembered addresses (oldest dropped). */
  maxKeys: number
}

/** A lookup locks an address after as many failures as a login does (docs/contract.md §10). */
export const LOOKUP_THROTTLE_DEFAULTS: LookupThrottleOptions = {
  limit: LOGIN_THROTTLE_DEFAULTS.addressLimit,
  windowMs: LOGIN_THROTTLE_DEFAULTS.windowMs,
  busyRetryMs: LOGIN_THROTTLE_DEFAULTS.busyRetryMs,
  maxKeys: LOGIN_THROTTLE_DEFAULTS.maxKeys,
}

/** An admitted lookup: end it exactly once (later calls do nothing). */
export interface LookupTicket {
  /** The key was unknown: one failure for the address. */
  failed(): void
  /** The key was found: not counted, and earlier failures stay counted. */
  succeeded(): void
}

export type LookupAdmission =
  { ok: true; ticket: LookupTicket } | { ok: false; retryAfterMs: number }

/**
 * Failed lookups of a secret per client address (`/key/status`), like failed logins: admitted
 * before the lookup, counted as a failure while it runs, so parallel guesses cannot slip past.
 * Successful lookups are not counted. Pure apart from the injected clock.
 */
export class LookupThrottle {
  private readonly addresses: FailureWindow

  constructor(
    private readonly options: LookupThrottleOptions,
    private readonly now: () => number,
  ) {
    this.addresses = new FailureWindow(options.limit, options.windowMs, options.maxKeys)
  }

  admit(address: string): LookupAdmission {
    const now = this.now()
    const wait = this.addresses.waitMs(address, now)
    if (wait > 0) return { ok: false, retryAfterMs: wait }
    if (wait < 0) return { ok: false, retryAfterMs: this.options.busyRetryMs }
    this.addresses.begin(address, now)
    let open = true
    const end = (outcome: 'failed' | 'abandoned') => {
      if (!open) return
      open = false
      this.addresses.end(address, this.now(), outcome)
    }
    return {
      ok: true,
      ticket: { failed: () => end('failed'), succeeded: () => end('abandoned') },
    }
  }
}
