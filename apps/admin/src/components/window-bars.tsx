import {
  COST_LIMITS,
  COUNTED_LIMITS,
  type CountedLimit,
  type LimitsView,
  type WindowsView,
} from '../api/limits'
import { fmtInt, fmtTime, fmtUntil, fmtUsd } from '../format'
import { t } from '../i18n'
import { windowLabel } from './limit-labels'

const isCost = (name: CountedLimit) => (COST_LIMITS as readonly string[]).includes(name)
const amount = (name: CountedLimit, n: number) => (isCost(name) ? fmtUsd(n) : fmtInt(n))

/** How full a window is: the bar's colour. */
export function levelOf(used: number, limit: number): 'ok' | 'warn' | 'full' {
  if (limit <= 0 || used >= limit) return 'full'
  return used / limit >= 0.8 ? 'warn' : 'ok'
}

/**
 * Each set limit's window as a bar, used against the limit (docs/contract.md §10: a limit that
 * is not set has no window). `compact` (a table cell) puts the remaining amount and the reset
 * time in the tooltip; the full form writes them under the bar.
 */
export function WindowBars(props: {
  windows: WindowsView | null | undefined
  compact?: boolean
  /** `key` or `account`, for tests and screen readers when both show. */
  scope?: string
}) {
  const entries = COUNTED_LIMITS.flatMap((name) => {
    const w = props.windows?.[name]
    return w ? [{ name, ...w }] : []
  })
  if (!entries.length) return null
  return (
    <div class={props.compact ? 'quotas compact' : 'quotas'} data-scope={props.scope}>
      {entries.map((w) => {
        const left = Math.max(0, w.limit - w.used)
        const label = windowLabel(w.name)
        const remaining = t('{amount} left', { amount: amount(w.name, left) })
        const resets = w.resets_at ? t('resets {when}', { when: fmtUntil(w.resets_at) }) : ''
        const pct = w.limit > 0 ? Math.min(100, (w.used / w.limit) * 100) : 100
        return (
          <div
            key={w.name}
            class={`quota ${levelOf(w.used, w.limit)}`}
            data-testid="window"
            data-window={w.name}
            data-used={String(w.used)}
            data-limit={String(w.limit)}
            title={
              props.compact ? [label, remaining, resets].filter(Boolean).join(' · ') : undefined
            }
          >
            <div class="quota-head">
              <span>{label}</span>
              <span class="num" data-testid="window-value">
                {amount(w.name, w.used)} / {amount(w.name, w.limit)}
              </span>
            </div>
            <div
              class="quota-bar"
              role="meter"
              aria-label={label}
              aria-valuemin={0}
              aria-valuemax={w.limit}
              aria-valuenow={Math.min(w.used, w.limit)}
            >
              {/* Set through the CSSOM, which the console's CSP allows (no inline style). */}
              <span style={{ width: `${pct}%` }} />
            </div>
            {!props.compact && (
              <div class="quota-foot muted small">
                <span data-testid="window-left">{remaining}</span>
                {resets && <span data-testid="window-resets">{resets}</span>}
              </div>
            )}
          </div>
        )
      })}
    </div>
  )
}

/** The limits that have no window, as small badges: models, addresses, expiry. */
export function RuleBadges({ limits }: { limits: LimitsView | null | undefined }) {
  if (!limits) return null
  const badges: { id: string; text: string; title?: string }[] = []
  if (limits.models?.length)
    badges.push({
      id: 'models',
      text: t('{n} models', { n: limits.models.length }),
      title: limits.models.join(', '),
    })
  if (limits.ips?.length)
    badges.push({
      id: 'ips',
      text: t('{n} addresses', { n: limits.ips.length }),
      title: limits.ips.join(', '),
    })
  if (limits.expires_at)
    badges.push({ id: 'expires_at', text: t('expires {at}', { at: fmtTime(limits.expires_at) }) })
  if (limits.expires_after_first_use_days)
    badges.push({
      id: 'expires_after_first_use_days',
      text: t('{n} days after first use', { n: limits.expires_after_first_use_days }),
    })
  if (!badges.length) return null
  return (
    <span class="rule-badges">
      {badges.map((b) => (
        <span key={b.id} class="badge" data-rule={b.id} title={b.title}>
          {b.text}
        </span>
      ))}
    </span>
  )
}
