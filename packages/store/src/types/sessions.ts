/** A login session. The id is a bearer secret; the store keeps only its hash. */
export interface SessionRecord {
  id: string
  accountId: string
  createdAt: Date
  expiresAt: Date
}
