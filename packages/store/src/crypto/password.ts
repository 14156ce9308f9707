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

/**
 * The cost of hashes written by `qcc import qcc-plus` (docs/contract.md §14.1): cheap enough to
 * hash thousands of plain-text passwords on two cores; re-hashed at qcc's own cost at the first
 * successful login.
 */
export const IMPORT_SCRYPT: ScryptParams = { N: 2 ** 14, r: 8, p: 1 }

const KEY_LENGTH = 32
const SALT_LENGTH = 16
/** Bounds of a stored hash's parameters: past them a verify would take gigabytes or minutes. */
const MAX_N = 2 ** 20
const MAX_R = 32
const MAX_P = 16
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

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

/** A stored hash taken apart. */
interface ParsedHash {
  params: ScryptParams
  salt: Buffer
  hash: Buffer
}

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0

function parseHash(stored: unknown): ParsedHash | null {
  if (typeof stored !== 'string') return null
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null
  const [N = 0, r = 0, p = 0] = parts.slice(1, 4).map(Number)
  const inRange = (v: number, max: number) => Number.isInteger(v) && v >= 1 && v <= max
  if (!isPowerOfTwo(N) || N > MAX_N || !inRange(r, MAX_R) || !inRange(p, MAX_P)) return null
  const [salt64 = '', hash64 = ''] = parts.slice(4)
  if (!BASE64.test(salt64) || !BASE64.test(hash64)) return null
  const salt = Buffer.from(salt64, 'base64')
  const hash = Buffer.from(hash64, 'base64')
  if (salt.length < 8 || hash.length !== KEY_LENGTH) return null
  return { params: { N, r, p }, salt, hash }
}

/**
 * The parameters of a well-formed hash from {@link hashPassword} (N a power of two up to 2^20,
 * r up to 32, p up to 16, a salt of 8 bytes or more, a 32-byte hash), else null.
 */
export function scryptParamsOf(stored: unknown): ScryptParams | null {
  return parseHash(stored)?.params ?? null
}

/** True when `params` cost less than `target` in any of N, r and p. */
export function isWeakerThan(params: ScryptParams, target: ScryptParams): boolean {
  return params.N < target.N || params.r < target.r || params.p < target.p
}

/** True when `password` matches `stored` (from {@link hashPassword}); compares in constant time. */
export async function verifyPasswordHash(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored)
  if (!parsed) return false
  const actual = await derive(password, parsed.salt, parsed.params)
  return timingSafeEqual(actual, parsed.hash)
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

  /**
   * Verifies against `stored`, or against a dummy hash when `stored` is null or no hash (an
   * account without a password): always false then, in the time a real check takes.
   */
  async verify(password: string, stored: string | null): Promise<boolean> {
    if (stored !== null && parseHash(stored) !== null) return verifyPasswordHash(password, stored)
    this.#dummy ??= hashPassword('qcc-dummy-password', this.params)
    await verifyPasswordHash(password, await this.#dummy)
    return false
  }
}
