import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StoreError } from '../errors'
import { parseSecretKey } from './secret-box'

/** Where a secret key came from. */
export interface LoadedSecretKey {
  key: Uint8Array
  /** `env`: given; `file`: read from the key file; `generated`: just written (warn about it). */
  source: 'env' | 'file' | 'generated'
  /** The key file, for `file` and `generated`. */
  path?: string
}

/** Name of the generated key file inside the data directory. */
export const SECRET_KEY_FILE = 'secret.key'

/**
 * Resolves the secret key as docs/contract.md §6.2 says: `QCC_SECRET_KEY` when set, else `<dataDir>/secret.key`,
 * generated once (64 hex characters, mode 0600, exclusive create so two processes starting
 * together end up with the same key) and reused.
 * @throws StoreError `invalid` for a malformed key or key file
 */
export async function loadSecretKey(options: {
  /** The value of `QCC_SECRET_KEY`, if any. */
  value?: string
  /** `QCC_DATA_DIR`, already resolved. */
  dataDir: string
}): Promise<LoadedSecretKey> {
  if (options.value !== undefined && options.value.trim() !== '') {
    return { key: parseSecretKey(options.value), source: 'env' }
  }
  const path = join(options.dataDir, SECRET_KEY_FILE)
  const read = async (): Promise<LoadedSecretKey> => {
    try {
      return { key: parseSecretKey(await readFile(path, 'utf8')), source: 'file', path }
    } catch (cause) {
      if (cause instanceof StoreError) {
        throw new StoreError('invalid', `${path} does not hold a 32-byte key`, { cause })
      }
      throw cause
    }
  }
  try {
    return await read()
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error
  }
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
  const hex = randomBytes(32).toString('hex')
  try {
    await writeFile(path, `${hex}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return read()
    throw error
  }
  return { key: parseSecretKey(hex), source: 'generated', path }
}
