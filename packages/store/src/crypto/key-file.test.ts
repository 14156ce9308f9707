import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isStoreError } from '../errors'
import { loadSecretKey } from './key-file'

const dirs: string[] = []
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'qcc-key-'))
  dirs.push(d)
  return d
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

describe('loadSecretKey', () => {
  it('prefers the env value', async () => {
    const hex = randomBytes(32).toString('hex')
    const got = await loadSecretKey({ value: hex, dataDir: await tempDir() })
    expect(got.source).toBe('env')
    expect(Buffer.from(got.key).toString('hex')).toBe(hex)
  })

  it('generates the key file once, private, and reuses it', async () => {
    const dataDir = join(await tempDir(), 'data')
    const [a, b] = await Promise.all([loadSecretKey({ dataDir }), loadSecretKey({ dataDir })])
    expect([a.source, b.source].sort()).toEqual(['file', 'generated'])
    expect(Buffer.from(a.key)).toEqual(Buffer.from(b.key))
    const again = await loadSecretKey({ dataDir })
    expect(again.source).toBe('file')
    expect(Buffer.from(again.key)).toEqual(Buffer.from(a.key))
    expect((await stat(join(dataDir, 'secret.key'))).mode & 0o777).toBe(0o600)
    expect((await readFile(join(dataDir, 'secret.key'), 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/)
  })

  it('refuses a malformed key file', async () => {
    const dataDir = await tempDir()
    await writeFile(join(dataDir, 'secret.key'), 'short')
    const err = await loadSecretKey({ dataDir }).catch((e) => e)
    expect(isStoreError(err, 'invalid')).toBe(true)
  })
})
