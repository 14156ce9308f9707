import type { StoreContext } from '../config'
import { generateSecret, hashSecret } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { CreateDownloadLinkInput } from '../types/download-links'

/** Largest payload in bytes: sealed (base64url, about 4/3) it still fits a MySQL TEXT column. */
export const MAX_DOWNLOAD_PAYLOAD_BYTES = 32 * 1024

/** A download-link row, found by the hash of its token; the payload is sealed. */
export interface DownloadLinkRow {
  idHash: string
  accountId: string
  payloadEnc: string
  createdAt: Date
  expiresAt: Date
  usedAt: Date | null
}

/** AAD binding a sealed payload to its row: a payload copied to another link does not open. */
const downloadAad = (idHash: string): string => `download:${idHash}`

/** Checks the input of `createDownloadLink`. @throws StoreError `invalid` */
export function checkDownloadLink(input: CreateDownloadLinkInput): CreateDownloadLinkInput {
  if (typeof input?.accountId !== 'string' || input.accountId === '') {
    throw new StoreError('invalid', 'download link needs an accountId')
  }
  if (typeof input.payload !== 'string') {
    throw new StoreError('invalid', 'download payload must be a string')
  }
  if (Buffer.byteLength(input.payload, 'utf8') > MAX_DOWNLOAD_PAYLOAD_BYTES) {
    throw new StoreError(
      'invalid',
      `download payload must be at most ${MAX_DOWNLOAD_PAYLOAD_BYTES} bytes`,
    )
  }
  if (!(input.expiresAt instanceof Date) || Number.isNaN(input.expiresAt.getTime())) {
    throw new StoreError('invalid', 'download link needs an expiresAt date')
  }
  return input
}

/** A new link for checked input: its token (192 random bits, returned once) and its row. */
export function newDownloadLink(
  ctx: StoreContext,
  link: CreateDownloadLinkInput,
): { token: string; row: DownloadLinkRow } {
  const token = generateSecret('', 24)
  const idHash = hashSecret(token, ctx.pepper)
  const row: DownloadLinkRow = {
    idHash,
    accountId: link.accountId,
    payloadEnc: ctx.box.seal(link.payload, downloadAad(idHash)),
    createdAt: ctx.now(),
    expiresAt: new Date(link.expiresAt.getTime()),
    usedAt: null,
  }
  return { token, row }
}

/** The stored hash of a presented token; null for anything that cannot be a token. */
export function downloadIdHash(ctx: StoreContext, token: unknown): string | null {
  if (typeof token !== 'string' || token.length === 0 || token.length > 128) return null
  return hashSecret(token, ctx.pepper)
}

/** The payload of a row, opened under its own hash. */
export function openDownloadPayload(
  ctx: StoreContext,
  row: Pick<DownloadLinkRow, 'idHash' | 'payloadEnc'>,
): string {
  return ctx.box.open(row.payloadEnc, downloadAad(row.idHash))
}
