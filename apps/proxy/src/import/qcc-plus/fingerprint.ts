import { createHmac } from 'node:crypto'

/** Label of the HMAC key derived from the secret key (docs/contract.md §14.1). */
const FINGERPRINT_LABEL = 'qcc-import-v1'

/** Fingerprints of source rows: 64 hex characters, equal exactly when the rows are. */
export type Fingerprint = (row: unknown) => string

/**
 * Fingerprints under a key derived from the secret key, so a stored fingerprint says nothing
 * about the password or key it covers (a plain hash of a short password could be guessed).
 */
export function createFingerprint(secretKey: Uint8Array): Fingerprint {
  const key = createHmac('sha256', secretKey).update(FINGERPRINT_LABEL).digest()
  return (row) => createHmac('sha256', key).update(canonicalJson(row)).digest('hex')
}

/** JSON with object keys sorted, dates as ISO strings: the same row always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k]
      if (v !== undefined) out[k] = sortKeys(v)
    }
    return out
  }
  return value
}
