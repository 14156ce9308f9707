// Request bodies of the bench, written once per run: a small Messages request, the same with
// "stream": true, and a ~200 KB Claude-Code-shaped turn (system blocks with cache_control, 20
// tools, a long tool_use / tool_result history), deterministic so runs are comparable. After
// shared/bench/make-bodies.mjs.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MOCK_MODEL } from './mock.mjs'

const WORDS =
  'the quick brown fox jumps over a lazy dog while reading source code and running tests in a terminal'.split(
    ' ',
  )

function text(n, seed) {
  let s = ''
  let i = seed
  while (s.length < n) {
    s += WORDS[i % WORDS.length] + (i % 17 === 0 ? '.\n' : ' ')
    i = (i * 31 + 7) % 9973
  }
  return s.slice(0, n)
}

function bigBody(bytes) {
  const tools = Array.from({ length: 20 }, (_, i) => ({
    name: `tool_${i}`,
    description: text(600, i),
    input_schema: {
      type: 'object',
      properties: { path: { type: 'string', description: text(120, i + 1) } },
      required: ['path'],
    },
  }))
  const big = {
    model: MOCK_MODEL,
    max_tokens: 32000,
    system: [
      { type: 'text', text: 'You are Claude Code, an interactive CLI assistant.' },
      { type: 'text', text: text(12000, 3), cache_control: { type: 'ephemeral' } },
    ],
    tools,
    messages: [],
  }
  for (let turn = 0; JSON.stringify(big).length < bytes - 6000; turn++) {
    const id = `toolu_01Bench${String(turn).padStart(6, '0')}`
    big.messages.push({ role: 'user', content: [{ type: 'text', text: text(800, turn + 11) }] })
    big.messages.push({
      role: 'assistant',
      content: [
        { type: 'text', text: text(300, turn + 13) },
        { type: 'tool_use', id, name: `tool_${turn % 20}`, input: { path: `src/f${turn}.ts` } },
      ],
    })
    big.messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: id, content: text(4000, turn + 17) }],
    })
  }
  big.messages.push({ role: 'user', content: 'Continue.' })
  return JSON.stringify(big)
}

/** Writes the bodies into `dir`; returns their paths and the buffers. */
export function writeBodies(dir, bigBytes = 200 * 1024) {
  const small = {
    model: MOCK_MODEL,
    max_tokens: 64,
    messages: [{ role: 'user', content: 'Say hello.' }],
  }
  const files = {
    json: [join(dir, 'small.json'), JSON.stringify(small)],
    sse: [join(dir, 'small-stream.json'), JSON.stringify({ ...small, stream: true })],
    big: [join(dir, 'big.json'), bigBody(bigBytes)],
  }
  const out = {}
  for (const [k, [path, content]] of Object.entries(files)) {
    writeFileSync(path, content)
    out[k] = { path, buf: Buffer.from(content) }
  }
  return out
}
