import { COUNTED_LIMIT_NAMES, type Limits, type LimitSubject, type LimitWindows } from '@qcc/core'
import type { Logger } from '../observability/logger'

/**
 * Where the admin API reads the windows behind the limits (docs/contract.md §10: `windows` in
 * `GET /admin/api/keys`, `GET /admin/api/accounts` and `/key/status`): the runtime's counters, in
 * process or in Redis. `windowsMany` answers a page of subjects at once (one round trip to
 * Redis instead of one per entry); without it `windows` is called per subject.
 */
export interface LimitWindowSource {
  windows(subject: LimitSubject): Promise<LimitWindows>
  /** The windows of each subject, in the same order. */
  windowsMany?(subjects: readonly LimitSubject[]): Promise<LimitWindows[]>
}

const hasCounted = (limits: Limits): boolean =>
  COUNTED_LIMIT_NAMES.some((name) => limits[name] !== undefined)

/**
 * The windows of `subjects`, in order. A subject without a counted limit has none (`{}`) and is
 * not asked about; without a source (a control plane built without counters) every answer is
 * `{}`. A failing source is logged and answers `{}`: a list page must not fail on a display.
 */
export async function windowsOf(
  source: LimitWindowSource | undefined,
  subjects: readonly LimitSubject[],
  logger: Logger,
): Promise<LimitWindows[]> {
  const out: LimitWindows[] = subjects.map(() => ({}))
  if (!source) return out
  const asked = subjects.flatMap((s, i) => (hasCounted(s.limits) ? [i] : []))
  if (asked.length === 0) return out
  const wanted = asked.map((i) => subjects[i] as LimitSubject)
  try {
    const answers = source.windowsMany
      ? await source.windowsMany(wanted)
      : await Promise.all(wanted.map((s) => source.windows(s)))
    asked.forEach((i, n) => (out[i] = answers[n] ?? {}))
  } catch (err) {
    logger.warn({ err }, 'limit windows unavailable')
  }
  return out
}
