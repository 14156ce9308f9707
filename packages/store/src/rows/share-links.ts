import type { StoreContext } from '../config'
import { displayPrefix, generateSecret, hashSecret, newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { CreateShareLinkInput, ShareLink } from '../types/share-links'

/** A share-link row: the link plus the hash of its token. */
export interface ShareLinkRow extends ShareLink {
  tokenHash: string
}

/** Bounds of a chosen token: 16 characters are ~96 bits of base64url, qcc_plus's own length. */
const TOKEN_MIN = 16
const TOKEN_MAX = 512

const isDate = (d: unknown): d is Date => d instanceof Date && Number.isFinite(d.getTime())

/** `d` when absent, null or a valid Date. @throws StoreError `invalid` */
function optionalDate(d: unknown, what: string): Date | null | undefined {
  if (d === undefined || d === null || isDate(d)) return d
  throw new StoreError('invalid', `${what} must be a Date`)
}

/** The chosen token, checked, or a new 192-bit random one. @throws StoreError `invalid` */
function tokenOf(token: unknown): string {
  if (token === undefined) return generateSecret('', 24)
  if (typeof token !== 'string' || token.length < TOKEN_MIN || token.length > TOKEN_MAX) {
    throw new StoreError(
      'invalid',
      `token must be a string of ${TOKEN_MIN} to ${TOKEN_MAX} characters`,
    )
  }
  return token
}

/**
 * A new link (its token returned once) and the row that keeps the token's hash: a random token,
 * or the chosen one with its times (an import). @throws StoreError `invalid`
 */
export function newShareLink(
  ctx: StoreContext,
  input: CreateShareLinkInput,
): { token: string; link: ShareLink; row: ShareLinkRow } {
  const token = tokenOf(input.token)
  const link: ShareLink = {
    id: newId(),
    accountId: input.accountId,
    prefix: displayPrefix(token),
    createdBy: input.createdBy ?? null,
    createdAt: optionalDate(input.createdAt, 'createdAt') ?? ctx.now(),
    expiresAt: optionalDate(input.expiresAt, 'expiresAt') ?? null,
    revokedAt: optionalDate(input.revokedAt, 'revokedAt') ?? null,
  }
  return { token, link, row: { ...link, tokenHash: shareTokenHash(ctx, token) } }
}

/** The error of a chosen token another link already has (MySQL: its unique index). */
export function shareTokenTaken(): StoreError {
  return new StoreError('conflict', 'a share link with this token exists')
}

/** The stored hash of a presented token. */
export function shareTokenHash(ctx: StoreContext, token: unknown): string {
  return hashSecret(String(token), ctx.pepper)
}

/** The link as returned (without the token's hash). */
export function toShareLink({ tokenHash: _, ...link }: ShareLinkRow): ShareLink {
  return { ...link }
}
