import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ZH } from './i18n-zh'

/** Every literal `t('…')` in the sources, so a new string cannot ship untranslated. */
function literals(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...literals(full))
    else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts')) {
      for (const m of readFileSync(full, 'utf8').matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) {
        if (m[1]) out.push(m[1])
      }
    }
  }
  return out
}

describe('简体中文', () => {
  it('translates every literal UI string', () => {
    const missing = [...new Set(literals(new URL('.', import.meta.url).pathname))].filter(
      (s) => !(s in ZH),
    )
    expect(missing).toEqual([])
  })
})
