import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from './observability/logger'

/** Decodes `QCC_SECRET_KEY`: 32 bytes as 64 hex characters or base64. */
export function decodeSecretKey(value: string): Uint8Array {
  const text = value.trim()
  const bytes = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : Buffer.from(text, 'base64')
  if (bytes.length !== 32)
    throw new Error('QCC_SECRET_KEY must be 32 bytes as 64 hex characters or base64')
  return new Uint8Array(bytes)
}

/**
 * The key that encrypts upstream keys at rest: `QCC_SECRET_KEY`, else `<dataDir>/secret.key`,
 * generated once with a warning (the way n8n does it). Memory mode needs no file: nothing
 * persists, so a fresh key per process is right.
 */
export function resolveSecretKey(options: {
  configured: string | undefined
  dataDir: string
  persistent: boolean
  logger: Logger
}): Uint8Array {
  if (options.configured) return decodeSecretKey(options.configured)
  if (!options.persistent) return new Uint8Array(randomBytes(32))
  const file = join(options.dataDir, 'secret.key')
  try {
    return decodeSecretKey(readFileSync(file, 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  mkdirSync(options.dataDir, { recursive: true })
  const key = randomBytes(32)
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' })
  options.logger.warn(
    { file },
    'generated a new secret key for upstream keys; back it up, and give every replica the same QCC_SECRET_KEY',
  )
  return new Uint8Array(key)
}
