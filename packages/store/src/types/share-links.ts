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
  /**
   * The link's secret, 16 to 512 characters, instead of a random one (an imported qcc_plus
   * share keeps its token, docs/contract.md §14.1); stored hashed as generated ones are.
   * @throws StoreError `conflict` when another link has it
   */
  token?: string
  /** A link created already revoked (imported as such). Default null. */
  revokedAt?: Date | null
  /** Default now. */
  createdAt?: Date
}

/** Filter of `listShareLinks`, newest first; revoked links only when asked for. */
export interface ShareLinkFilter {
  accountId?: string
  includeRevoked?: boolean
}
