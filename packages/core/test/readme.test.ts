// Runs every ```js example of README.md against the sources, so the documentation stays true.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'

const root = join(import.meta.dirname, '..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
const dir = join(root, 'test', '.readme')

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('README examples', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThanOrEqual(5))
  it.each(blocks.map((code, i) => [i, code] as const))('example %i runs', async (i, code) => {
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `example-${i}.mjs`)
    writeFileSync(file, code.replaceAll("'@qcc/core'", JSON.stringify(join(root, 'src/index.ts'))))
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    try {
      await import(/* @vite-ignore */ file)
    } finally {
      log.mockRestore()
    }
  })
})
