import type { StoreContext } from '../config'
import { displayPrefix, generateSecret, hashSecret, newId } from '../crypto/tokens'
import type { CreateShareLinkInput, ShareLink } from '../types/share-links'

/** A share-link row: the link plus the hash of its token. */
export interface ShareLinkRow extends ShareLink {
  tokenHash: string
}

/** A new link with a 192-bit random token (returned once) and the row that keeps its hash. */
export function newShareLink(
  ctx: StoreContext,
  input: CreateShareLinkInput,
): { token: string; link: ShareLink; row: ShareLinkRow } {
  const token = generateSecret('', 24)
  const link: ShareLink = {
    id: newId(),
    accountId: input.accountId,
    prefix: displayPrefix(token),
    createdBy: input.createdBy ?? null,
    createdAt: ctx.now(),
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
  }
  return { token, link, row: { ...link, tokenHash: shareTokenHash(ctx, token) } }
}

/** The stored hash of a presented token. */
export function shareTokenHash(ctx: StoreContext, token: unknown): string {
  return hashSecret(String(token), ctx.pepper)
}

/** The link as returned (without the token's hash). */
export function toShareLink({ tokenHash: _, ...link }: ShareLinkRow): ShareLink {
  return { ...link }
}
