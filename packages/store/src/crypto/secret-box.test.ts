import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isStoreError } from '../errors'
import { parseSecretKey, SecretBox } from './secret-box'

const key = () => new Uint8Array(randomBytes(32))

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

describe('SecretBox', () => {
  it('seals with a fresh IV and the key id, and opens', () => {
    const box = new SecretBox(key())
    const a = box.seal('sk-ant-secret', 'node:1')
    const b = box.seal('sk-ant-secret', 'node:1')
    expect(a).not.toBe(b)
    expect(a.split('.').slice(0, 2)).toEqual(['v1', box.keyId])
    expect(a).not.toContain('sk-ant')
    expect(box.open(a, 'node:1')).toBe('sk-ant-secret')
  })

  it('refuses another key, another row and tampering', () => {
    const box = new SecretBox(key())
    const sealed = box.seal('secret', 'node:1')
    const other = new SecretBox(key())
    expect(
      isStoreError(
        thrown(() => other.open(sealed, 'node:1')),
        'secret_key_mismatch',
      ),
    ).toBe(true)
    expect(
      isStoreError(
        thrown(() => box.open(sealed, 'node:2')),
        'secret_key_mismatch',
      ),
    ).toBe(true)
    const parts = sealed.split('.')
    parts[3] = Buffer.from('garbage').toString('base64url')
    expect(
      isStoreError(
        thrown(() => box.open(parts.join('.'), 'node:1')),
        'secret_key_mismatch',
      ),
    ).toBe(true)
    expect(
      isStoreError(
        thrown(() => box.open('nonsense', 'node:1')),
        'invalid',
      ),
    ).toBe(true)
  })

  it('H8: refuses a GCM tag shorter than 16 bytes (a truncated tag is forgeable)', () => {
    const box = new SecretBox(randomBytes(32))
    const sealed = box.seal('sk-ant-secret', 'node:1')
    const parts = sealed.split('.')
    const tag = Buffer.from(parts[4] as string, 'base64url')
    expect(tag.length).toBe(16)
    for (const n of [4, 8, 12, 15]) {
      const short = [...parts.slice(0, 4), tag.subarray(0, n).toString('base64url')].join('.')
      expect(
        isStoreError(
          thrown(() => box.open(short, 'node:1')),
          'secret_key_mismatch',
        ),
      ).toBe(true)
    }
    expect(box.open(sealed, 'node:1')).toBe('sk-ant-secret')
  })

  it('proves the same key with a check value, and explains a mismatch', () => {
    const k = key()
    const check = new SecretBox(k).checkValue()
    expect(() => new SecretBox(new Uint8Array(k)).verifyCheck(check)).not.toThrow()
    const err = thrown(() => new SecretBox(key()).verifyCheck(check))
    expect(isStoreError(err, 'secret_key_mismatch')).toBe(true)
    expect((err as Error).message).toMatch(/QCC_SECRET_KEY does not match/)
  })

  it('needs exactly 32 bytes', () => {
    expect(
      isStoreError(
        thrown(() => new SecretBox(new Uint8Array(16))),
        'invalid',
      ),
    ).toBe(true)
  })
})

describe('parseSecretKey', () => {
  it('takes hex and base64 of 32 bytes', () => {
    const raw = randomBytes(32)
    expect(Buffer.from(parseSecretKey(raw.toString('hex')))).toEqual(raw)
    expect(Buffer.from(parseSecretKey(raw.toString('base64')))).toEqual(raw)
    expect(Buffer.from(parseSecretKey(raw.toString('base64url')))).toEqual(raw)
    for (const bad of [
      '',
      'abc',
      randomBytes(16).toString('hex'),
      randomBytes(33).toString('base64'),
    ]) {
      expect(
        isStoreError(
          thrown(() => parseSecretKey(bad)),
          'invalid',
        ),
      ).toBe(true)
    }
  })
})
