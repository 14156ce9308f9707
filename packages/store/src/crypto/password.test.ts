import { describe, expect, it } from 'vitest'
import {
  hashPassword,
  IMPORT_SCRYPT,
  isWeakerThan,
  OWASP_SCRYPT,
  PasswordHasher,
  scryptParamsOf,
  verifyPasswordHash,
} from './password'

const CHEAP = { N: 2 ** 10, r: 8, p: 1 }

describe('password hashing', () => {
  it('defaults to the OWASP scrypt parameters in a self-describing string', async () => {
    const stored = await hashPassword('correct horse')
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(OWASP_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1 })
    expect(await verifyPasswordHash('correct horse', stored)).toBe(true)
    expect(await verifyPasswordHash('correct horsf', stored)).toBe(false)
  })

  it('salts every hash and verifies hashes made with other parameters', async () => {
    const a = await hashPassword('pw', CHEAP)
    const b = await hashPassword('pw', CHEAP)
    expect(a).not.toBe(b)
    expect(await verifyPasswordHash('pw', a)).toBe(true)
    expect(
      await verifyPasswordHash('pw', await hashPassword('pw', { N: 2 ** 11, r: 8, p: 2 })),
    ).toBe(true)
  })

  it('rejects malformed hashes instead of throwing', async () => {
    for (const bad of [
      '',
      'plain',
      'scrypt$0$8$1$AA==$AA==',
      'bcrypt$1$2$3$4$5',
      'scrypt$1024$8$1$AA==$AA==',
    ]) {
      expect(await verifyPasswordHash('pw', bad)).toBe(false)
    }
  })

  it('spends a hash on unknown accounts too', async () => {
    const hasher = new PasswordHasher(CHEAP)
    expect(await hasher.verify('pw', null)).toBe(false)
    expect(await hasher.verify('pw', await hasher.hash('pw'))).toBe(true)
  })

  it('reads the parameters of well-formed hashes only (docs/contract.md §14.1 imports)', async () => {
    const imported = await hashPassword('pw', IMPORT_SCRYPT)
    expect(scryptParamsOf(imported)).toEqual({ N: 2 ** 14, r: 8, p: 1 })
    expect(isWeakerThan(IMPORT_SCRYPT, OWASP_SCRYPT)).toBe(true)
    expect(isWeakerThan(OWASP_SCRYPT, OWASP_SCRYPT)).toBe(false)
    expect(isWeakerThan({ N: 2 ** 17, r: 8, p: 2 }, OWASP_SCRYPT)).toBe(false)
    const [, , , , salt, hash] = imported.split('$')
    for (const bad of [
      null,
      `scrypt$${2 ** 21}$8$1$${salt}$${hash}`,
      `scrypt$16384$64$1$${salt}$${hash}`,
      `scrypt$16384$8$1$AAAA$${hash}`,
      `scrypt$16384$8$1$${salt}$${hash}x`,
      `scrypt$16384$8$1.5$${salt}$${hash}`,
    ]) {
      expect(scryptParamsOf(bad), String(bad)).toBeNull()
    }
  })
})
