/**
 * Login throttling in memory, per account name and per client address. Failures past a
 * threshold lock the key for a time that doubles with each further failure (capped), so a
 * brute force slows to a crawl while the real user is only ever locked out for a while, never
 * for good. Attempts made while locked are refused without checking the password and do not
 * extend the lock, so an attacker cannot keep a user locked at will by hammering.
 */
export interface ThrottleOptions {
  /** Failures allowed before the first lock. */
  threshold: number
  /** First lock, doubled per further failure. */
  baseLockMs: number
  maxLockMs: number
  /** A key with no failure for this long starts over. */
  forgetAfterMs: number
  /** Bound on remembered keys (oldest dropped), so a flood of names cannot exhaust memory. */
  maxKeys: number
}

interface Entry {
  failures: number
  lastFailure: number
  lockedUntil: number
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly options: ThrottleOptions) {}

  /** Milliseconds until `key` may try again, 0 when it may now. */
  waitMs(key: string, now: number): number {
    const entry = this.live(key, now)
    return entry ? Math.max(0, entry.lockedUntil - now) : 0
  }

  fail(key: string, now: number): void {
    const { threshold, baseLockMs, maxLockMs, maxKeys } = this.options
    const entry = this.live(key, now) ?? { failures: 0, lastFailure: now, lockedUntil: 0 }
    entry.failures += 1
    entry.lastFailure = now
    const over = entry.failures - threshold
    if (over >= 0)
      entry.lockedUntil = now + Math.min(maxLockMs, baseLockMs * 2 ** Math.min(over, 30))
    this.entries.delete(key)
    this.entries.set(key, entry)
    if (this.entries.size > maxKeys) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
  }

  reset(key: string): void {
    this.entries.delete(key)
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry && now - entry.lastFailure > this.options.forgetAfterMs && now >= entry.lockedUntil) {
      this.entries.delete(key)
      return undefined
    }
    return entry
  }
}

/**
 * 5 tries per account then 2 s doubling; 20 per address then 5 s doubling (a sprayer moves on to
 * new names, so the address lock starts longer); both capped at 15 min.
 */
export function createLoginThrottles(): { account: LoginThrottle; address: LoginThrottle } {
  const common = { maxLockMs: 15 * 60_000, forgetAfterMs: 15 * 60_000, maxKeys: 50_000 }
  return {
    account: new LoginThrottle({ ...common, threshold: 5, baseLockMs: 2000 }),
    address: new LoginThrottle({ ...common, threshold: 20, baseLockMs: 5000 }),
  }
}
