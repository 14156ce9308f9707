import { describe, expect, it } from 'vitest'
import { FULL_PARSE_MAX, readRequestFields } from './request-fields'

const pad = 'x'.repeat(FULL_PARSE_MAX)

function big(value: Record<string, unknown>): Buffer {
  return Buffer.from(JSON.stringify({ padding: pad, ...value }))
}

describe('readRequestFields', () => {
  it('parses small bodies in full and refuses non-objects', () => {
    expect(readRequestFields(Buffer.from('{"model":"m","stream":true}'))).toEqual({
      ok: true,
      fields: { model: 'm', stream: true },
    })
    expect(readRequestFields(Buffer.from('[1]')).ok).toBe(false)
    expect(readRequestFields(Buffer.from('{"model":')).ok).toBe(false)
  })

  it('slices model and metadata out of large bodies, whatever else is around them', () => {
    const tricky = {
      system: [{ type: 'text', text: 'say "model": "evil", {not a brace} \\ and \\"quotes\\"' }],
      tools: [{ name: 'a', input_schema: { properties: { model: { type: 'string' } } } }],
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: '}]{[,"metadata":{"user_id":"fake"}' }],
      metadata: { user_id: '{"session_id":"s-1"}', nested: { deep: [1, { a: '}' }] } },
      max_tokens: 10,
    }
    const body = big(tricky)
    expect(body.length).toBeGreaterThan(FULL_PARSE_MAX)
    expect(readRequestFields(body)).toEqual({
      ok: true,
      fields: { model: tricky.model, metadata: tricky.metadata },
    })
    // model last, with spaces and unicode around it
    const last = Buffer.from(`{ "padding" : "${pad}" ,\n "model" : "clé-🚀" }`)
    expect(readRequestFields(last)).toEqual({ ok: true, fields: { model: 'clé-🚀' } })
  })

  it('agrees with JSON.parse on generated bodies', () => {
    let seed = 42
    const rand = (n: number) => (seed = (seed * 16807) % 2147483647) % n
    const leaf = (): unknown =>
      [() => rand(1000), () => 'q"\\}{],' + rand(9), () => null, () => rand(2) === 0][rand(4)]?.()
    const tree = (depth: number): unknown => {
      if (depth === 0 || rand(3) === 0) return leaf()
      if (rand(2) === 0) return Array.from({ length: rand(4) }, () => tree(depth - 1))
      return Object.fromEntries(
        Array.from({ length: rand(4) }, (_, i) => [`k${i}`, tree(depth - 1)]),
      )
    }
    for (let n = 0; n < 50; n++) {
      const value = { a: tree(4), model: `m${n}`, b: tree(4), metadata: tree(3), c: tree(2) }
      const body = big(value)
      expect(readRequestFields(body)).toEqual({
        ok: true,
        fields: { model: value.model, metadata: value.metadata },
      })
    }
  })

  it('refuses large bodies with broken structure', () => {
    for (const text of [
      `[${JSON.stringify(pad)}]`,
      `{"padding":"${pad}`,
      `{"padding":"${pad}"}}`,
      `{"padding":"${pad}", "a": [1, 2}`,
      `{"padding":"${pad}"} trailing`,
    ]) {
      expect(readRequestFields(Buffer.from(text)).ok, text.slice(-20)).toBe(false)
    }
  })
})
