import type { StoreContext } from '../config'
import { generateSecret, hashSecret } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { SessionRecord } from '../types/sessions'

/** A session row, found by the hash of its id (the id itself is never stored). */
export interface SessionRow {
  idHash: string
  accountId: string
  createdAt: Date
  expiresAt: Date
}

/** A positive TTL of at most a year, rounded to whole ms. @throws StoreError `invalid` */
export function checkTtl(ttlMs: unknown): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0 || ttlMs > 366 * 864e5) {
    throw new StoreError('invalid', 'ttlMs must be a positive number of milliseconds')
  }
  return Math.round(ttlMs)
}

/** The stored hash of a presented session id. */
export function sessionIdHash(ctx: StoreContext, id: unknown): string {
  return hashSecret(String(id), ctx.pepper)
}

/** A new session: a 256-bit random id (returned once) and the row that keeps its hash. */
export function newSession(
  ctx: StoreContext,
  accountId: string,
  ttlMs: number,
): { id: string; row: SessionRow } {
  const id = generateSecret('', 32)
  const now = ctx.clock.now()
  const row = {
    idHash: sessionIdHash(ctx, id),
    accountId,
    createdAt: new Date(now),
    expiresAt: new Date(now + ttlMs),
  }
  return { id, row }
}

/** The session as returned, under the id the caller presented. */
export function toSession(row: SessionRow, id: string): SessionRecord {
  return { id, accountId: row.accountId, createdAt: row.createdAt, expiresAt: row.expiresAt }
}
