import type { TimelineCheck } from '../api/types'
import { fmtMs, fmtTime } from '../format'
import { t } from '../i18n'

/** Recent health checks as dots, oldest left; hover or focus a dot for its details. */
export function HealthTimeline({ checks }: { checks: readonly TimelineCheck[] | undefined }) {
  if (!checks || checks.length === 0) {
    return <span class="timeline muted">{t('No checks yet')}</span>
  }
  const ok = checks.filter((c) => c.ok).length
  return (
    <span
      class="timeline"
      role="img"
      data-testid="timeline"
      aria-label={t('{ok} of {n} recent checks passed', { ok, n: checks.length })}
    >
      {checks.map((c, i) => (
        <span
          key={`${c.at}-${i}`}
          class={`tick ${c.ok ? 'ok' : 'bad'}`}
          title={`${fmtTime(c.at)} · ${c.ok ? t('OK') : t('Failed')} · ${fmtMs(c.latency_ms)}${c.error ? ` · ${c.error}` : ''}`}
        />
      ))}
    </span>
  )
}
