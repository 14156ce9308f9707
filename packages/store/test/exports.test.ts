// The public surface: the exports map agrees with the tsup entries (house style item 2), and
// every runtime export the proxy relies on is there.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as store from '../src/index'
import tsup from '../tsup.config'

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as {
  exports: Record<string, { 'qcc-source': string; import: string }>
  files: string[]
}

describe('package surface', () => {
  it('exports map and tsup entries agree', () => {
    const entries = (tsup as { entry: string[] }).entry.map((e) => `./${e}`)
    expect(Object.values(pkg.exports).map((e) => e['qcc-source'])).toEqual(entries)
    expect(pkg.exports['.']?.import).toBe('./dist/index.js')
    expect(pkg.files).toContain('drizzle')
  })

  it('exposes the API the proxy calls', () => {
    for (const name of [
      'createStore',
      'migrateMysql',
      'pendingMigrations',
      'hashPassword',
      'IMPORT_SCRYPT',
      'parseMysqlDsn',
      'parseSecretKey',
      'loadSecretKey',
      'StoreError',
      'isStoreError',
      'OWASP_SCRYPT',
      'systemClock',
      'apiKeyHint',
      'checkNodePolicies',
    ]) {
      expect(store[name as keyof typeof store], name).toBeDefined()
    }
  })
})
