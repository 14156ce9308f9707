import { lang } from './prefs'
import { t } from './i18n'

const locale = () => (lang.value === 'zh' ? 'zh-CN' : 'en-US')

export const fmtInt = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : n.toLocaleString(locale())

/** Compact counts for KPI cards: 1.2K, 3.4M. */
export const fmtCompact = (n: number | null | undefined) =>
  n === null || n === undefined
    ? '–'
    : n.toLocaleString(locale(), { notation: 'compact', maximumFractionDigits: 1 })

export const fmtUsd = (n: number | null | undefined) =>
  n === null || n === undefined
    ? '–'
    : `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: n < 1 ? 4 : 2 })}`

export const fmtMs = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : `${Math.round(n).toLocaleString(locale())} ms`

export const fmtPct = (r: number | null | undefined) =>
  r === null || r === undefined ? '–' : `${(r * 100).toFixed(r === 1 ? 0 : 1)}%`

export const fmtTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(locale(), { hour12: false }) : '–'

/** How long until `iso`: "in 42 s", "in 5 min", "in 3 h"; a day or more away, the time itself. */
export function fmtUntil(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '–'
  const sec = Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000))
  if (!Number.isFinite(sec)) return '–'
  if (sec < 90) return t('in {n} s', { n: sec })
  if (sec < 90 * 60) return t('in {n} min', { n: Math.round(sec / 60) })
  if (sec < 24 * 3600) return t('in {n} h', { n: Math.round(sec / 3600) })
  return fmtTime(iso)
}
