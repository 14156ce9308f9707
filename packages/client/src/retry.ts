/**
 * When to try again and how long to wait: `x-should-retry` and `retry-after(-ms)` from the
 * upstream win; otherwise exponential backoff with jitter.
 */
import { APIUserAbortError } from './errors'

/** Longest `retry-after` the client waits for; a longer one means "not worth retrying now". */
export const MAX_RETRY_AFTER_MS = 60_000

const BASE_DELAY_MS = 500
const MAX_BACKOFF_MS = 8_000

/**
 * The wait before retry number `attempt + 1`, in milliseconds: `retry-after-ms`, else
 * `retry-after` (seconds or an HTTP date), when within 0..{@link MAX_RETRY_AFTER_MS}; else
 * `500 ms * 2^attempt` capped at 8 s, minus up to 25 % jitter.
 * @param random a number in [0, 1), for the jitter.
 * @param now the current time in ms since the epoch, for HTTP-date values.
 */
export function retryDelayMs(
  headers: Headers | undefined,
  attempt: number,
  random: () => number = Math.random,
  now: number = Date.now(),
): number {
  const fromHeader = retryAfterMs(headers, now)
  if (fromHeader !== undefined && fromHeader >= 0 && fromHeader <= MAX_RETRY_AFTER_MS) {
    return fromHeader
  }
  const backoff = Math.min(BASE_DELAY_MS * 2 ** attempt, MAX_BACKOFF_MS)
  return backoff * (1 - random() * 0.25)
}

/** The upstream's requested wait in ms (`retry-after-ms` or `retry-after`), if it gave one. */
export function retryAfterMs(
  headers: Headers | undefined,
  now: number = Date.now(),
): number | undefined {
  const ms = headers?.get('retry-after-ms')
  if (ms && Number.isFinite(Number(ms))) return Number(ms)
  const value = headers?.get('retry-after')
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : date - now
}

/**
 * Waits `ms`, or rejects with {@link APIUserAbortError} as soon as `signal` aborts.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError('request aborted'))
    const onAbort = () => {
      clearTimeout(timer)
      reject(new APIUserAbortError('request aborted'))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
