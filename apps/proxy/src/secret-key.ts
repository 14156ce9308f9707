import { randomBytes } from 'node:crypto'
import { loadSecretKey } from '@qcc/store'
import { EnvError } from './env'
import type { Logger } from './observability/logger'

/**
 * The key that encrypts upstream keys at rest (docs/contract.md §6.2): `QCC_SECRET_KEY`, else
 * `<QCC_DATA_DIR>/secret.key`, generated once with a warning. Memory mode needs no file: nothing
 * persists, so a fresh key per process is right there.
 * @throws {EnvError} when `QCC_SECRET_KEY` is not 32 bytes as hex or base64
 */
export async function resolveSecretKey(options: {
  configured: string | undefined
  dataDir: string
  persistent: boolean
  logger: Logger
}): Promise<Uint8Array> {
  if (!options.configured && !options.persistent) return new Uint8Array(randomBytes(32))
  let loaded: Awaited<ReturnType<typeof loadSecretKey>>
  try {
    loaded = await loadSecretKey({ value: options.configured, dataDir: options.dataDir })
  } catch (err) {
    if (options.configured) throw new EnvError('QCC_SECRET_KEY', (err as Error).message)
    throw err
  }
  if (loaded.source === 'generated') {
    options.logger.warn(
      { file: loaded.path },
      'generated a new secret key for upstream keys; back it up, and give every replica the same QCC_SECRET_KEY',
    )
  }
  return loaded.key
}
