import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/** scrypt cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number
  /** Block size. */
  r: number
  /** Parallelism. */
  p: number
}

/** OWASP Password Storage Cheat Sheet: N=2^17, r=8, p=1 (about 128 MiB per hash). */
export const OWASP_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 }

const KEY_LENGTH = 32
const SALT_LENGTH = 16

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // node's default maxmem (32 MiB) is below what N=2^17, r=8 needs (128 MiB): give it twice that.
  const maxmem = 256 * params.N * params.r + 1024 * 1024
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { ...params, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

/**
 * Hashes a password into a self-describing string `scrypt$N$r$p$salt$hash` (base64 parts), so
 * that stored hashes stay verifiable when the default parameters change.
 */
export async function hashPassword(password: string, params = OWASP_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const hash = await derive(password, salt, params)
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64'),
    hash.toString('base64'),
  ].join('$')
}

/** True when `password` matches `stored` (from {@link hashPassword}); compares in constant time. */
export async function verifyPasswordHash(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number)
  if (!N || !r || !p) return false
  const salt = Buffer.from(parts[4] ?? '', 'base64')
  const expected = Buffer.from(parts[5] ?? '', 'base64')
  if (expected.length !== KEY_LENGTH) return false
  const actual = await derive(password, salt, { N, r, p })
  return timingSafeEqual(actual, expected)
}

/**
 * Checks passwords for accounts that may not exist: an unknown name still costs one hash, so the
 * answer time does not tell whether the name exists.
 */
export class PasswordHasher {
  readonly params: ScryptParams
  #dummy: Promise<string> | undefined

  constructor(params: ScryptParams = OWASP_SCRYPT) {
    this.params = params
  }

  hash(password: string): Promise<string> {
    return hashPassword(password, this.params)
  }

  /** Verifies against `stored`, or against a dummy hash when `stored` is null (always false). */
  async verify(password: string, stored: string | null): Promise<boolean> {
    if (stored !== null) return verifyPasswordHash(password, stored)
    this.#dummy ??= hashPassword('qcc-dummy-password', this.params)
    await verifyPasswordHash(password, await this.#dummy)
    return false
  }
}
