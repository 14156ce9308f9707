import { describe, expect, it } from 'vitest'
import { must } from '../test-support/fixtures'
import { computeCostUsd, findPrice } from './cost'
import { usageFromJson } from './json-usage'
import { DEFAULT_MODEL, DEFAULT_PROBE_MODEL, PRICES } from './prices'
import { applyUsageObject, emptyUsage } from './types'

describe('usageFromJson', () => {
  const body = {
    id: 'msg_1',
    model: 'claude-haiku-5-5',
    stop_reason: 'end_turn',
    usage: {
      input_tokens: 10,
      output_tokens: 5,
      cache_creation_input_tokens: 7,
      cache_read_input_tokens: 3,
    },
  }
  it('reads a message object or its text', () => {
    const u = usageFromJson(body)
    expect(u).toMatchObject({
      messageId: 'msg_1',
      model: 'claude-haiku-5-5',
      inputTokens: 10,
      outputTokens: 5,
      cacheCreationInputTokens: 7,
      cacheCreation5mTokens: 7,
      cacheCreation1hTokens: 0,
      cacheReadInputTokens: 3,
      stopReason: 'end_turn',
      complete: true,
    })
    expect(usageFromJson(JSON.stringify(body))).toEqual(u)
  })
  it('reads an error body and tolerates garbage', () => {
    expect(usageFromJson('{"type":"error","error":{"type":"api_error"}}')).toMatchObject({
      sawError: true,
      errorType: 'api_error',
    })
    expect(usageFromJson('{"type":"error"}')).toMatchObject({ sawError: true, errorType: null })
    expect(usageFromJson('nope')).toEqual(emptyUsage())
    expect(usageFromJson(null)).toEqual(emptyUsage())
    expect(usageFromJson({})).toMatchObject({ complete: false })
  })
})

describe('applyUsageObject', () => {
  it('replaces present counts, keeps absent or null ones, keeps the 1 h split', () => {
    const u = emptyUsage()
    applyUsageObject(u, {
      input_tokens: 5,
      cache_creation_input_tokens: 30,
      cache_creation: { ephemeral_1h_input_tokens: 20 },
    })
    expect(u).toMatchObject({ cacheCreation5mTokens: 0, cacheCreation1hTokens: 20 })
    applyUsageObject(u, { input_tokens: null, output_tokens: -1, cache_creation_input_tokens: 30 })
    expect(u).toMatchObject({
      inputTokens: 5,
      outputTokens: 0,
      cacheCreation5mTokens: 10,
      cacheCreation1hTokens: 20,
    })
    applyUsageObject(u, 'x')
    applyUsageObject(u, null)
  })
})

describe('prices and cost', () => {
  it('computes input, output, 5 m / 1 h writes and reads at their rates', () => {
    const price = must(findPrice('claude-opus-5'))
    const cost = computeCostUsd(
      {
        inputTokens: 1_000_000,
        outputTokens: 1_000_000,
        cacheCreationInputTokens: 3_000_000,
        cacheCreation5mTokens: 1_000_000,
        cacheCreation1hTokens: 1_000_000,
        cacheReadInputTokens: 1_000_000,
      },
      price,
    )
    // 5 + 25 + (1 M unsplit + 1 M 5 m) x 6.25 + 10 + 0.5
    expect(cost).toBeCloseTo(5 + 25 + 12.5 + 10 + 0.5, 9)
  })
  it('prices a long Haiku 5.5 prompt at the long rates throughout', () => {
    const price = must(findPrice('claude-haiku-5-5'))
    const zero = {
      cacheCreationInputTokens: 0,
      cacheCreation5mTokens: 0,
      cacheCreation1hTokens: 0,
      cacheReadInputTokens: 0,
    }
    expect(
      computeCostUsd({ ...zero, inputTokens: 100_000, outputTokens: 1_000_000 }, price),
    ).toBeCloseTo(0.01 + 0.5, 9)
    expect(
      computeCostUsd({ ...zero, inputTokens: 100_001, outputTokens: 1_000_000 }, price),
    ).toBeCloseTo(0.0500005 + 2.5, 9)
  })
  it('finds dated and [1m] ids, and nothing for unknown models', () => {
    expect(findPrice('claude-opus-5-5[1m]')?.inputPerMTok).toBe(4)
    expect(findPrice('claude-sonnet-5-5-20261007')?.model).toBe('claude-sonnet-5-5')
    expect(findPrice('claude-haiku-4-5-20251001')?.model).toBe('claude-haiku-4-5-20251001')
    expect(findPrice('gpt-4')).toBeUndefined()
  })
  it('has one row per model with consistent cache rates, and current defaults', () => {
    expect(new Set(PRICES.map((p) => p.model)).size).toBe(PRICES.length)
    for (const p of PRICES) {
      expect(p.cacheWrite5mPerMTok).toBeCloseTo(p.inputPerMTok * 1.25, 9)
      expect(p.cacheWrite1hPerMTok).toBeCloseTo(p.inputPerMTok * 2, 9)
      expect(p.cacheReadPerMTok).toBeLessThan(p.inputPerMTok)
      expect(p.outputPerMTok).toBeGreaterThan(p.inputPerMTok)
    }
    for (const id of [DEFAULT_MODEL, DEFAULT_PROBE_MODEL])
      expect(findPrice(id)?.endOfLife).toBeUndefined()
  })
})
