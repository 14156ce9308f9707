// The public surface: the exports map agrees with the tsup entries (house style item 2), and
// every runtime export the proxy relies on is there.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import tsup from '../tsup.config'
import * as core from '../src/index'

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as {
  exports: Record<string, { 'qcc-source': string; import: string }>
}

describe('package surface', () => {
  it('exports map and tsup entries agree', () => {
    const entries = (tsup as { entry: string[] }).entry.map((e) => `./${e}`)
    expect(Object.values(pkg.exports).map((e) => e['qcc-source'])).toEqual(entries)
    expect(pkg.exports['.']?.import).toBe('./dist/index.js')
  })
  it('exposes the API the proxy calls', () => {
    for (const name of [
      'classifyUpstreamOutcome',
      'parseRetryAfter',
      'finalErrorForFailedAttempts',
      'selectNode',
      'StickyBindings',
      'extractSessionId',
      'NodeHealthMachine',
      'isAvailable',
      'ProbeSchedule',
      'AttemptPlanner',
      'RetryBudget',
      'createUsageAccumulator',
      'usageFromJson',
      'computeCostUsd',
      'findPrice',
      'createModelPricer',
      'isValidModelId',
      'unpricedModelRefusal',
      'PRICES',
      'DEFAULTS',
      'CoreError',
      'UpstreamError',
      'describeOutboundError',
      'outboundErrorClass',
      'validateLimits',
      'mergeLimits',
      'limitsBeyond',
      'checkLimitAccess',
      'planCounterChecks',
      'limitRefusal',
      'usageTokensForLimits',
      'hasLimits',
    ]) {
      expect(core[name as keyof typeof core], name).toBeDefined()
    }
  })
  it('has no node: imports in the library sources', async () => {
    const { readdirSync } = await import('node:fs')
    const files = readdirSync(join(import.meta.dirname, '../src'), {
      recursive: true,
      encoding: 'utf8',
    }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('test-support'))
    for (const f of files) {
      expect(readFileSync(join(import.meta.dirname, '../src', f), 'utf8'), f).not.toMatch(
        /from ['"]node:/,
      )
    }
  })
})
