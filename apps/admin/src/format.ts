import { lang } from './prefs'

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
