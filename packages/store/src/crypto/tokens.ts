import { createHash, createHmac, randomBytes } from 'node:crypto'

let lastMs = 0
let seq = 0

/**
 * A new id: a UUID v7 (48-bit time, then a per-process sequence, then 62 random bits), so ids
 * sort by creation within a process and lists ordered by (created_at, id) are stable.
 */
export function newId(): string {
  const ms = Date.now()
  if (ms > lastMs) {
    lastMs = ms
    seq = 0
  } else if (++seq > 0xfff) {
    lastMs++
    seq = 0
  }
  const b = randomBytes(16)
  b.writeUIntBE(lastMs, 0, 6)
  b[6] = 0x70 | (seq >> 8)
  b[7] = seq & 0xff
  b[8] = 0x80 | ((b[8] ?? 0) & 0x3f)
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** A random bearer secret: `prefix` + base64url of `bytes` random bytes. */
export function generateSecret(prefix: string, bytes = 24): string {
  return prefix + randomBytes(bytes).toString('base64url')
}

/**
 * Hash of a high-entropy secret (proxy key, session id, share token): SHA-256, or
 * HMAC-SHA-256 with a server pepper when one is configured. Hex, 64 characters.
 */
export function hashSecret(secret: string, pepper?: string): string {
  const h = pepper ? createHmac('sha256', pepper) : createHash('sha256')
  return h.update(secret, 'utf8').digest('hex')
}

/** Display prefix of a key: at most 8 characters and at most half of the key. */
export function displayPrefix(key: string): string {
  return key.slice(0, Math.min(8, Math.floor(key.length / 2)))
}

/** Last 4 characters of an upstream key long enough (16+) for that to reveal little. */
export function apiKeyHint(key: string | null | undefined): string | null {
  return key && key.length >= 16 ? key.slice(-4) : null
}

/** Prefix of generated proxy keys. */
export const PROXY_KEY_PREFIX = 'sk-qcc-'
