// The price table must cover every model id of the installed @anthropic-ai/sdk (SPEC 6.2). The SDK
// is not a dependency of core, so the test reads its type declarations from the workspace store.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PRICES } from '../src/usage/prices'

const store = join(import.meta.dirname, '../../../node_modules/.pnpm')
const sdkDir = existsSync(store)
  ? readdirSync(store).find((d) => d.startsWith('@anthropic-ai+sdk@'))
  : undefined

describe('PRICES', () => {
  it.skipIf(sdkDir === undefined)('covers every model id of @anthropic-ai/sdk', () => {
    const dts = readFileSync(
      join(store, sdkDir!, 'node_modules/@anthropic-ai/sdk/resources/messages/messages.d.ts'),
      'utf8',
    )
    const union = /export type Model = ([^;]+);/.exec(dts)?.[1] ?? ''
    const ids = [...union.matchAll(/'([^']+)'/g)].map((m) => m[1])
    expect(ids.length).toBeGreaterThan(10)
    const priced = new Set(PRICES.map((p) => p.model))
    expect(ids.filter((id) => !priced.has(id!))).toEqual([])
  })
})
