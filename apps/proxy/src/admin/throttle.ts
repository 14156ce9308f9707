import { MemoryFailureWindow, type AttemptOutcome } from './failure-window'

/**
 * Login throttling (docs/contract.md §9). Pure apart from the injected clock and window.
 *
 * - An attempt is admitted *before* its password is hashed and counts as a failure until it
 *   ends, so parallel attempts cannot all slip in under the limit.
 * - At most `maxConcurrent` password checks run at once (each is a 128 MiB scrypt); more are
 *   refused as busy, never queued.
 * - Failures lock an (account, address) pair and an address, never an account for every
 *   address, so nobody can lock the owner out from somewhere else; a correct password from a
 *   clean address is not refused. A lock lasts until enough failures are older than the window;
 *   refused attempts are not failures, so hammering a lock does not extend it.
 * - The failures are counted by a {@link LoginWindow}: in this process, or in Redis so that
 *   attempts spread over replicas count together (docs/contract.md §11); the cap on checks at
 *   once is always this process's own (it guards this process's CPU and memory).
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

/** An admitted attempt: end it exactly once (later calls do nothing, and nothing ever throws). */
export interface LoginTicket {
  /** The password was right: the pair's failures are forgotten. */
  succeeded(): Promise<void>
  /** The password was wrong: one failure for the pair and the address. */
  failed(): Promise<void>
  /** The check could not be made (the store failed): no failure is counted. */
  abandoned(): Promise<void>
}

export type Admission =
  { ok: true; ticket: LoginTicket } | { ok: false; reason: 'locked' | 'busy'; retryAfterMs: number }

/** How one attempt ended for its pair and for its address (a success only clears the pair). */
export interface EndedAttempt {
  pair: AttemptOutcome
  address: AttemptOutcome
}

/** A window's answer to one attempt: admitted (and counted as pending until `end`), or not. */
export type WindowAdmission =
  | { ok: true; end(ended: EndedAttempt, now: number): void | Promise<void> }
  | { ok: false; reason: 'locked'; retryAfterMs: number }
  /** Attempts still being checked fill a limit: they end within a check's time. */
  | { ok: false; reason: 'busy' }

/**
 * Where the failures of (account, address) pairs and of addresses are counted: in this process
 * ({@link MemoryLoginWindow}) or across replicas (redis/login-throttle.ts). `begin` checks both
 * keys and, only when both have room, counts the attempt as pending on both, in one step; it
 * never throws and never waits on an unreachable Redis.
 */
export interface LoginWindow {
  begin(pairKey: string, address: string, now: number): WindowAdmission | Promise<WindowAdmission>
}

/** The numbers a login window counts by. */
export type LoginWindowLimits = Pick<
  LoginThrottleOptions,
  'pairLimit' | 'addressLimit' | 'windowMs' | 'maxKeys'
>

/** The login window of one process: pairs and addresses in memory, bounded in keys. */
export class MemoryLoginWindow implements LoginWindow {
  private readonly pairs: MemoryFailureWindow
  private readonly addresses: MemoryFailureWindow

  constructor(limits: LoginWindowLimits) {
    this.pairs = new MemoryFailureWindow(limits.pairLimit, limits.windowMs, limits.maxKeys)
    this.addresses = new MemoryFailureWindow(limits.addressLimit, limits.windowMs, limits.maxKeys)
  }

  begin(pairKey: string, address: string, now: number): WindowAdmission {
    const waits = [this.pairs.waitMs(pairKey, now), this.addresses.waitMs(address, now)]
    const locked = Math.max(...waits)
    if (locked > 0) return { ok: false, reason: 'locked', retryAfterMs: locked }
    if (waits.includes(-1)) return { ok: false, reason: 'busy' }
    this.pairs.begin(pairKey, now)
    this.addresses.begin(address, now)
    return {
      ok: true,
      end: (ended, at) => {
        this.pairs.end(pairKey, at, ended.pair)
        this.addresses.end(address, at, ended.address)
      },
    }
  }

  /** Records an attempt counted elsewhere (in Redis), so this window can take over with it. */
  record(pairKey: string, address: string, ended: EndedAttempt, now: number): void {
    this.pairs.record(pairKey, now, ended.pair)
    this.addresses.record(address, now, ended.address)
  }
}

/** Admits password checks for login and password change (one instance per process). */
export class LoginThrottle {
  private running = 0

  /** `window` counts the failures (default: in this process, with `options`' numbers). */
  constructor(
    private readonly options: LoginThrottleOptions,
    private readonly now: () => number,
    private readonly window: LoginWindow = new MemoryLoginWindow(options),
  ) {}

  /** Password checks running now. */
  get inFlight(): number {
    return this.running
  }

  /**
   * Admits one check of `account`'s password (compared case-insensitively, as names are unique
   * that way) from `address`, or says how long to wait. Call before hashing anything.
   */
  async admit(account: string, address: string): Promise<Admission> {
    // The process's cap first, and a slot taken before anything is awaited, so parallel attempts
    // cannot all pass it while the window answers; a full process asks Redis nothing.
    if (this.running >= this.options.maxConcurrent) return this.busy()
    this.running += 1
    const pairKey = `${address}\n${account.toLowerCase()}`
    let verdict: WindowAdmission
    try {
      verdict = await this.window.begin(pairKey, address, this.now())
    } catch (err) {
      this.running -= 1
      throw err
    }
    if (!verdict.ok) {
      this.running -= 1
      return verdict.reason === 'locked' ? verdict : this.busy()
    }
    const admitted = verdict
    let open = true
    const end = async (outcome: AttemptOutcome) => {
      if (!open) return
      open = false
      this.running -= 1
      // A right password says nothing about the address's other attempts: they stay counted.
      const ended: EndedAttempt = {
        pair: outcome,
        address: outcome === 'succeeded' ? 'abandoned' : outcome,
      }
      await admitted.end(ended, this.now())
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

  private busy(): Admission {
    return { ok: false, reason: 'busy', retryAfterMs: this.options.busyRetryMs }
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
  private readonly addresses: MemoryFailureWindow

  constructor(
    private readonly options: LookupThrottleOptions,
    private readonly now: () => number,
  ) {
    this.addresses = new MemoryFailureWindow(options.limit, options.windowMs, options.maxKeys)
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
