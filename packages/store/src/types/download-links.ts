/** Input of `createDownloadLink`. */
export interface CreateDownloadLinkInput {
  accountId: string
  /** The file to hand out once (it may hold a proxy key: sealed at rest). At most 32 KiB. */
  payload: string
  /** After this the link is dead (and removed by `retention`). */
  expiresAt: Date
}
