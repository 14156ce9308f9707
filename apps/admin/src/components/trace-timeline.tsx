import type { TraceAttempt } from '../models/request-log'
import { outcomeClass, timelineBars } from '../models/request-log'
import { fmtMs } from '../format'
import { t } from '../i18n'
import '../styles/requests.css'

/** How the console says who picked a node (docs/contract.md §12.1). */
const pickedByLabel = (p: TraceAttempt['picked_by']) =>
  ({
    activated: t('activated'),
    sticky: t('sticky'),
    tier: t('tier'),
    last_resort: t('last resort'),
  })[p] ?? p

/**
 * A request's attempts as a timeline (docs/contract.md §12): one bar per attempt in order,
 * placed by when it started relative to the first and sized by how long it took, coloured by
 * how it ended, with who picked the node, the upstream's status, TTFB, duration and error.
 */
export function TraceTimeline({ attempts }: { attempts: readonly TraceAttempt[] }) {
  if (attempts.length === 0) {
    return (
      <p class="muted" data-testid="trace-empty">
        {t('No attempts: no upstream was tried.')}
      </p>
    )
  }
  const { bars, spanMs } = timelineBars(attempts)
  return (
    <ol class="trace" data-testid="trace" aria-label={t('Attempts')}>
      {bars.map(({ attempt: a, offsetMs, left, width }, i) => (
        <li
          key={i}
          class={`trace-row ${outcomeClass(a.outcome)}`}
          data-testid="trace-attempt"
          data-node={a.node_name}
          data-outcome={a.outcome}
          data-status={a.status === null ? '' : String(a.status)}
          data-picked-by={a.picked_by}
        >
          <div class="trace-label">
            <span class="trace-index">{i + 1}</span>
            <strong>{a.node_name}</strong>
            <span class="pill trace-pick">{pickedByLabel(a.picked_by)}</span>
          </div>
          <div class="trace-track" title={`+${fmtMs(offsetMs)}`}>
            <span class="trace-bar" style={{ left: `${left}%`, width: `${width}%` }} />
          </div>
          <div class="trace-facts small">
            <span class="trace-outcome">{a.outcome}</span>
            <span>
              {t('Status')} {a.status ?? '–'}
            </span>
            <span>TTFB {fmtMs(a.ttfb_ms)}</span>
            <span>
              {t('Duration')} {fmtMs(a.duration_ms)}
            </span>
            <span class="muted">+{fmtMs(offsetMs)}</span>
          </div>
          {(a.error_type || a.error_message) && (
            <div class="trace-error small mono" data-testid="trace-error">
              {[a.error_type, a.error_message].filter(Boolean).join(': ')}
            </div>
          )}
        </li>
      ))}
      <li class="trace-row trace-scale muted small" aria-hidden="true">
        <span />
        <span class="trace-scale-ends">
          <span>0</span>
          <span>{fmtMs(spanMs)}</span>
        </span>
      </li>
    </ol>
  )
}
