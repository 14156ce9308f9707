import type { Store } from '@qcc/store'
import type { Logger } from '../observability/logger'

/** How often old raw rows are pruned; the first run waits a minute so start-up stays light. */
const FIRST_RUN_MS = 60_000
const INTERVAL_MS = 6 * 3600_000

/**
 * Deletes raw usage and health-check rows past their retention (rollups stay, so charts and
 * summaries keep their history). On several replicas each runs it; the deletes are idempotent.
 */
export function scheduleRetention(
  store: Store,
  options: { usageRawDays: number; healthDays: number },
  log: Logger,
): { stop(): void } {
  const run = () =>
    store
      .retention(options)
      .then((removed) => log.info({ removed }, 'retention pruned old rows'))
      .catch((err: unknown) => log.warn({ err }, 'retention failed; will try again'))
  let interval: NodeJS.Timeout | undefined
  const first = setTimeout(() => {
    void run()
    interval = setInterval(() => void run(), INTERVAL_MS)
    interval.unref()
  }, FIRST_RUN_MS)
  first.unref()
  return {
    stop() {
      clearTimeout(first)
      if (interval) clearInterval(interval)
    },
  }
}
