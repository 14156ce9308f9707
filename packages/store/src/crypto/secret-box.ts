import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { StoreError } from '../errors'

const CHECK_PLAINTEXT = 'qcc-secret-key-check-v1'
const CHECK_AAD = 'qcc:check'
/** GCM tag length, pinned on seal and checked on open. */
const TAG_BYTES = 16

/**
 * AES-256-GCM sealing of secrets at rest (upstream keys, channel configs, the tunnel token).
 *
 * A sealed value is `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts): a random 96-bit IV
 * per write, the GCM tag checked on open, and the id of the key that sealed it so a wrong key is
 * reported as such instead of producing garbage. `aad` binds a value to its row (for example
 * `node:<id>`), so ciphertexts cannot be swapped between rows.
 */
export class SecretBox {
  readonly keyId: string
  readonly #key: Buffer

  /** @throws StoreError `invalid` unless the key is exactly 32 bytes */
  constructor(key: Uint8Array) {
    if (!(key instanceof Uint8Array) || key.length !== 32) {
      throw new StoreError('invalid', 'secretKey must be 32 bytes (QCC_SECRET_KEY)')
    }
    this.#key = Buffer.from(key)
    this.keyId = createHash('sha256')
      .update('qcc-key-id:')
      .update(this.#key)
      .digest('hex')
      .slice(0, 8)
  }

  /** Seals a UTF-8 string. */
  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES })
    cipher.setAAD(Buffer.from(aad))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'))
    return ['v1', this.keyId, ...parts].join('.')
  }

  /** Opens a sealed value. @throws StoreError `secret_key_mismatch` for another key or a bad tag */
  open(sealed: string, aad: string): string {
    const [version, keyId, iv, body, tag] = sealed.split('.')
    if (version !== 'v1' || iv === undefined || body === undefined || tag === undefined) {
      throw new StoreError('invalid', 'sealed value has an unknown format')
    }
    if (keyId !== this.keyId) {
      throw new StoreError(
        'secret_key_mismatch',
        `value was sealed with secret key id ${keyId}, but the configured key has id ${this.keyId}`,
      )
    }
    const tagBytes = Buffer.from(tag, 'base64url')
    // GCM accepts tags as short as 4 bytes unless told otherwise; a short tag is forgeable.
    if (tagBytes.length !== TAG_BYTES) {
      throw new StoreError('secret_key_mismatch', 'sealed value has a malformed tag')
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      })
      decipher.setAAD(Buffer.from(aad))
      decipher.setAuthTag(tagBytes)
      const plain = Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ])
      return plain.toString('utf8')
    } catch (cause) {
      throw new StoreError('secret_key_mismatch', 'sealed value failed authentication', { cause })
    }
  }

  /** A check value to store once; {@link SecretBox.verifyCheck} proves later keys are the same. */
  checkValue(): string {
    return this.seal(CHECK_PLAINTEXT, CHECK_AAD)
  }

  /** @throws StoreError `secret_key_mismatch` with a message that says what to do */
  verifyCheck(stored: string): void {
    try {
      if (this.open(stored, CHECK_AAD) === CHECK_PLAINTEXT) return
    } catch (cause) {
      throw mismatch(stored, this.keyId, cause)
    }
    throw mismatch(stored, this.keyId, undefined)
  }
}

function mismatch(stored: string, keyId: string, cause: unknown): StoreError {
  const storedId = stored.split('.')[1] ?? '?'
  return new StoreError(
    'secret_key_mismatch',
    `QCC_SECRET_KEY does not match this database: its data was encrypted with key id ${storedId}, ` +
      `the configured key has id ${keyId}. Use the same key on every replica (or restore the ` +
      `original key file); refusing to start rather than produce garbage upstream keys.`,
    { cause },
  )
}

/**
 * Parses `QCC_SECRET_KEY`: 32 bytes as 64 hex characters or as base64 (standard or url-safe).
 * @throws StoreError `invalid` naming the variable (never echoing the value)
 */
export function parseSecretKey(text: string): Uint8Array {
  const s = String(text).trim()
  const bytes = /^[0-9a-fA-F]{64}$/.test(s)
    ? Buffer.from(s, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(s)
      ? Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64')
      : Buffer.alloc(0)
  if (bytes.length !== 32) {
    throw new StoreError(
      'invalid',
      'QCC_SECRET_KEY must be 32 bytes as 64 hex characters or base64',
    )
  }
  return new Uint8Array(bytes)
}
