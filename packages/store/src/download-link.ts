import { generateSecret, hashSecret } from './crypto/tokens'
import { StoreError } from './errors'
import type { CreateDownloadLinkInput } from './types/download-links'

/** Largest payload in bytes: sealed (base64url, about 4/3) it still fits a MySQL TEXT column. */
export const MAX_DOWNLOAD_PAYLOAD_BYTES = 32 * 1024

/** AAD binding a sealed payload to its row: a payload copied to another link does not open. */
export const downloadAad = (idHash: string): string => `download:${idHash}`

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

/** A new link token (192 random bits) and the hash it is stored under. */
export function newDownloadToken(pepper: string | undefined): { token: string; idHash: string } {
  const token = generateSecret('', 24)
  return { token, idHash: hashSecret(token, pepper) }
}

/** The stored hash of a presented token; null for anything that cannot be a token. */
export function downloadIdHash(token: unknown, pepper: string | undefined): string | null {
  if (typeof token !== 'string' || token.length === 0 || token.length > 128) return null
  return hashSecret(token, pepper)
}
