/** A monitor share link. The token is a bearer secret kept only as a hash. */
export interface ShareLink {
  id: string
  accountId: string
  /** First 8 characters of the token. */
  prefix: string
  createdBy: string | null
  createdAt: Date
  expiresAt: Date | null
  revokedAt: Date | null
}

/** Input of `createShareLink`. */
export interface CreateShareLinkInput {
  accountId: string
  createdBy?: string | null
  /** Null or absent: never expires. */
  expiresAt?: Date | null
}

/** Filter of `listShareLinks`, newest first; revoked links only when asked for. */
export interface ShareLinkFilter {
  accountId?: string
  includeRevoked?: boolean
}
