/**
 * The one bounded wait of the end-to-end tests: poll a condition on real time (the process under
 * test runs its own clock), never longer than the timeout, with the last reason in the failure.
 */
export interface PollOptions {
  /** Give up after this long (default 5 s). */
  timeoutMs?: number
  /** Pause between two looks (default 50 ms). */
  intervalMs?: number
}

async function poll<T>(
  what: string,
  look: () => Promise<{ done: true; value: T } | { done: false; why?: unknown }>,
  { timeoutMs = 5000, intervalMs = 50 }: PollOptions,
): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const seen = await look()
    if (seen.done) return seen.value
    if (Date.now() > end) {
      if (seen.why instanceof Error) throw seen.why
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** Waits until `probe` answers a truthy value (a throw counts as "not yet") and returns it. */
export function pollUntil<T>(
  what: string,
  probe: () => T | Promise<T>,
  options: PollOptions = {},
): Promise<NonNullable<T>> {
  return poll<NonNullable<T>>(
    what,
    async () => {
      try {
        const value = await probe()
        return value
          ? { done: true as const, value: value as NonNullable<T> }
          : { done: false as const }
      } catch (err) {
        return { done: false, why: err }
      }
    },
    options,
  )
}

/** Retries `assertion` until it stops throwing; on timeout its last error is the failure. */
export function eventually<T>(
  assertion: () => T | Promise<T>,
  options: PollOptions = {},
): Promise<T> {
  return poll(
    'an assertion',
    async () => {
      try {
        return { done: true, value: await assertion() }
      } catch (err) {
        return { done: false, why: err }
      }
    },
    options,
  )
}
