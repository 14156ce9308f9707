/**
 * Reading source values the same way from both engines: MySQL gives datetimes as strings
 * (`dateStrings`), DECIMALs as strings and JSON as text (MariaDB) or objects (MySQL 8); SQLite
 * gives text, integers and reals.
 */

/** Text, or null for NULL (numbers become their decimal text). */
export function text(v: unknown): string | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  if (v instanceof Date) return v.toISOString()
  if (Buffer.isBuffer(v)) return v.toString('utf8')
  return JSON.stringify(v)
}

/** Booleans stored as 0/1, `true`/`false` text, or a BIT(1) buffer. */
export function bool(v: unknown): boolean {
  if (typeof v === 'boolean') return v
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) !== 0
  if (Buffer.isBuffer(v)) return v.length > 0 && v[0] !== 0
  if (typeof v === 'string') return v === '1' || v.toLowerCase() === 'true'
  return false
}

/** A finite number (DECIMAL text included), else `fallback`. */
export function num(v: unknown, fallback = 0): number {
  if (v === null || v === undefined || v === '') return fallback
  const n = typeof v === 'number' ? v : Number(v)
  return Number.isFinite(n) ? n : fallback
}

/**
 * A datetime as qcc_plus wrote it (UTC): `2026-11-19 10:00:00[.123]`, an ISO string, or epoch
 * seconds / milliseconds; null when absent or unreadable (Go's zero time included).
 */
export function time(v: unknown): Date | null {
  if (v === null || v === undefined || v === '') return null
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v
  if (typeof v === 'number') return new Date(v > 1e12 ? v : v * 1000)
  const s = String(v).trim()
  if (s.startsWith('0000-00-00') || s.startsWith('0001-01-01')) return null
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?/.exec(s)
  const d = m ? new Date(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`) : new Date(s)
  return Number.isNaN(d.getTime()) ? null : d
}

/** A JSON value stored as text or already parsed; undefined when it does not parse. */
export function json(v: unknown): unknown {
  if (v === null || v === undefined) return undefined
  if (typeof v !== 'string' && !Buffer.isBuffer(v)) return v
  try {
    return JSON.parse(Buffer.isBuffer(v) ? v.toString('utf8') : v)
  } catch {
    return undefined
  }
}
