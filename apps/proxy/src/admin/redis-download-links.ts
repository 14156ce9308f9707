import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'
import type { CreateDownloadLinkInput } from '@qcc/store'
import type { DownloadLinks } from './context'
import type { RedisLink } from '../redis/connection'

/*
 * One-time settings.json download links in Redis (docs/contract.md §9: a link works once, for
 * 10 minutes, on any replica). Key, under the link's prefix:
 *   dl:<sha256(token)>   the payload, sealed (PX: until the link's expiry)
 * As in the store, only the token's hash names the entry; the payload (it may hold a proxy key)
 * is sealed with AES-256-GCM under a key derived from the token itself, so what Redis holds opens
 * for nobody who has not got the link.
 */

/** What the store accepts too (a MySQL TEXT column); bigger payloads get the store's refusal. */
const MAX_PAYLOAD_BYTES = 32 * 1024
/** Anything longer cannot be one of our tokens (the store draws the same line). */
const MAX_TOKEN_CHARS = 128
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_INFO = 'qcc settings download link'

/** What {@link redisDownloadLinks} keeps links with. */
export interface RedisDownloadLinksOptions {
  link: RedisLink
  /** Where links go while Redis is unreachable, and where consume looks when Redis has none. */
  fallback: DownloadLinks
  /** The clock a link's lifetime is measured on (default `Date.now`; the routes pass theirs). */
  now?: () => number
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')
const sealKey = (token: string): Buffer => Buffer.from(hkdfSync('sha256', token, '', KEY_INFO, 32))

function seal(token: string, aad: string, payload: string): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', sealKey(token), iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const body = Buffer.concat([cipher.update(payload, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
}

/** The payload, or null when the entry does not open under this token (never ours, or altered). */
function open(token: string, aad: string, sealed: string): string | null {
  const raw = Buffer.from(sealed, 'base64url')
  if (raw.length < IV_BYTES + TAG_BYTES) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(token), raw.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    })
    decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    const body = raw.subarray(IV_BYTES + TAG_BYTES)
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
  } catch {
    return null
  }
}

/**
 * Download links shared through Redis: create is one `SET … PX` (the link's lifetime), consume
 * one `GETDEL`, so of any number of downloads on any replicas exactly one gets the file. While
 * the link is down, or when a command fails, links are made in and consumed from `fallback` (the
 * store); consume also asks `fallback` when Redis has no such link, so a link made during an
 * outage still works once Redis is back. Nothing waits on an unreachable Redis.
 *
 * @example
 * ```ts
 * const links = redisDownloadLinks({ link, fallback: storeDownloadLinks(store) })
 * const { token } = await links.create({ accountId, payload, expiresAt })
 * ```
 */
export function redisDownloadLinks(options: RedisDownloadLinksOptions): DownloadLinks {
  const { link, fallback } = options
  const now = options.now ?? Date.now
  const entry = (token: string) => `dl:${sha256(token)}`
  return {
    async create(input: CreateDownloadLinkInput) {
      const ttlMs = Math.floor(input.expiresAt.getTime() - now())
      const small = Buffer.byteLength(input.payload, 'utf8') <= MAX_PAYLOAD_BYTES
      if (!link.up || !small || !(ttlMs > 0)) return fallback.create(input)
      const token = randomBytes(24).toString('base64url')
      const aad = entry(token)
      try {
        await link.client.set(`${link.prefix}${aad}`, seal(token, aad, input.payload), 'PX', ttlMs)
      } catch {
        // Written or not, nobody else has the token: an entry left behind expires unused.
        return fallback.create(input)
      }
      return { token }
    },
    async consume(token: string) {
      if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_CHARS) return null
      if (link.up) {
        const aad = entry(token)
        let sealed: string | null = null
        try {
          sealed = await link.client.getdel(`${link.prefix}${aad}`)
        } catch {
          // Redis failed mid-way: the link may still be one the store holds.
        }
        if (sealed !== null) return open(token, aad, sealed)
      }
      return fallback.consume(token)
    },
  }
}
