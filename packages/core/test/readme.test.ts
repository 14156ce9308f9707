// Runs every ```js example of README.md against the sources, so the documentation stays true: an
// example that prints must print exactly the ```text block that follows it, and one that prints
// nothing must check its own results (throw when they differ from what the text says).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { format } from 'node:util'
import { afterAll, describe, expect, it, vi } from 'vitest'

const root = join(import.meta.dirname, '..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const dir = join(root, 'test', '.readme')

interface Example {
  code: string
  /** The ```text block right after the example: what it prints, line by line. */
  prints?: string
}

/** The ```js blocks of a markdown text, each with the ```text block that follows it, if any. */
function readExamples(markdown: string): Example[] {
  const fences = [...markdown.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1] ?? '',
    body: m[2] ?? '',
  }))
  const examples: Example[] = []
  fences.forEach((fence, i) => {
    if (fence.lang !== 'js') return
    const next = fences[i + 1]
    examples.push({ code: fence.body, prints: next?.lang === 'text' ? next.body : undefined })
  })
  return examples
}

/** Runs one example as a module importing the sources; resolves with the lines it printed. */
async function run(code: string, name: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}.mjs`)
  writeFileSync(file, code.replaceAll("'@qcc/core'", JSON.stringify(join(root, 'src/index.ts'))))
  const printed: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => {
    printed.push(format(...args))
  })
  try {
    await import(/* @vite-ignore */ file)
  } finally {
    log.mockRestore()
  }
  return printed
}

const examples = readExamples(readme)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('README examples', () => {
  it('has examples, and the first one documents what it prints', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5)
    expect(examples[0]?.prints).toBeDefined()
  })

  it.each(examples.map((example, i) => [i, example] as const))(
    'example %i gives the results the README states',
    async (i, { code, prints }) => {
      const printed = await run(code, `example-${i}`)
      if (prints === undefined) {
        expect(printed, 'an example that prints needs a ```text block after it').toEqual([])
        expect(code, 'an example without output checks itself').toMatch(/\bthrow new Error\b/)
      } else {
        expect(printed).toEqual(prints.trimEnd().split('\n'))
      }
    },
  )
})

describe('readExamples', () => {
  it('pairs an example with the ```text block right after it, not with one further on', () => {
    const md = [
      '```js\nconsole.log(1)\n```',
      'It prints:',
      '```text\n1\n```',
      '```js\na()\n```',
      '```sh\nb\n```',
      '```text\nc\n```',
    ].join('\n\n')
    expect(readExamples(md)).toEqual([
      { code: 'console.log(1)\n', prints: '1\n' },
      { code: 'a()\n', prints: undefined },
    ])
  })
})
