// The price table covers every model id of the installed @anthropic-ai/sdk, as README.md ("Usage and
// cost") promises. The SDK is a devDependency of core for this test only: Node's module resolution
// finds it, wherever the package manager put it.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PRICES } from '../src/usage/prices'

const SDK = '@anthropic-ai/sdk'

/** The SDK's folder, or why it cannot be found (it does not export its package.json). */
function findSdk(): { dir: string } | { missing: string } {
  let entry: string
  try {
    entry = createRequire(import.meta.url).resolve(SDK)
  } catch (err) {
    return { missing: err instanceof Error ? err.message : String(err) }
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === SDK) {
      return { dir }
    }
  }
  return { missing: `no package.json named ${SDK} above ${entry}` }
}

const sdk = findSdk()
// In CI the SDK is installed with the devDependencies, so not finding it is a failure there.
// Locally an install without devDependencies (`pnpm install --prod`) may lack it: skip, saying why.
const skipLocally = 'missing' in sdk && !process.env.CI

describe('PRICES', () => {
  it.skipIf(skipLocally)(
    `covers every model id of ${SDK}${'missing' in sdk ? ` (not found: ${sdk.missing})` : ''}`,
    () => {
      if ('missing' in sdk) throw new Error(`${SDK} is not installed: ${sdk.missing}`)
      const dts = readFileSync(join(sdk.dir, 'resources/messages/messages.d.ts'), 'utf8')
      const union = /export type Model = ([^;]+);/.exec(dts)?.[1] ?? ''
      const ids = [...union.matchAll(/'([^']+)'/g)].map((m) => m[1] ?? '')
      expect(ids.length).toBeGreaterThan(10)
      const priced = new Set(PRICES.map((p) => p.model))
      expect(ids.filter((id) => !priced.has(id))).toEqual([])
    },
  )
})
