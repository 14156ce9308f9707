import { describe, it, expect } from 'vitest'
import { readFile } from 'node:fs/promises'
import config from '../tsup.config'
import * as client from '../src/index'

describe('package exports', () => {
  it('the exports map and the tsup entries agree', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, Record<string, string>>
    }
    const sources = Object.values(pkg.exports).map((e) =>
      (e['qcc-source'] ?? '').replace(/^\.\//, ''),
    )
    const entries = (config as { entry: string[] }).entry
    expect(entries).toEqual(sources)
  })

  it('exports the public API', () => {
    for (const name of [
      'createClient',
      'MessageStream',
      'createClaudeCode',
      'runClaudeCodeSequence',
      'APIError',
      'RateLimitError',
      'APIUserAbortError',
    ]) {
      expect(client).toHaveProperty(name)
    }
  })
})
