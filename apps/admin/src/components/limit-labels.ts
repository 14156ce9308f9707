import type { CountedLimit, LimitName } from '../api/limits'
import { t } from '../i18n'

/** How the limits editor names each field of docs/contract.md §10. */
export function fieldLabel(name: LimitName): string {
  switch (name) {
    case 'rpm':
      return t('Requests per minute')
    case 'tpm':
      return t('Tokens per minute')
    case 'concurrency':
      return t('Requests in flight')
    case 'cost_5h_usd':
      return t('Spend in 5 hours (USD)')
    case 'cost_daily_usd':
      return t('Spend per day (USD)')
    case 'cost_weekly_usd':
      return t('Spend per week (USD)')
    case 'cost_monthly_usd':
      return t('Spend per month (USD)')
    case 'cost_total_usd':
      return t('Total spend (USD)')
    case 'models':
      return t('Allowed models (one per line, * at the end matches any suffix)')
    case 'ips':
      return t('Allowed IP addresses or CIDRs (one per line)')
    case 'expires_at':
      return t('Expires at')
    case 'expires_after_first_use_days':
      return t('Expires days after first use')
  }
}

/** The short name of a window, beside its bar. */
export function windowLabel(name: CountedLimit): string {
  switch (name) {
    case 'rpm':
      return t('Requests / min')
    case 'tpm':
      return t('Tokens / min')
    case 'concurrency':
      return t('In flight')
    case 'cost_5h_usd':
      return t('Spend, 5 h')
    case 'cost_daily_usd':
      return t('Spend today')
    case 'cost_weekly_usd':
      return t('Spend this week')
    case 'cost_monthly_usd':
      return t('Spend this month')
    case 'cost_total_usd':
      return t('Spend, all time')
  }
}
