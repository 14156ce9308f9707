import { describe, expect, it } from 'vitest'
import { errorBody, errorTypeForStatus } from './errors'
import { FAKE_TEXT, FAKE_USAGE, countTokens, planAnswer, splitText, streamEvents } from './message'

describe('splitText', () => {
  it('splits into n pieces that concatenate to the text', () => {
    for (const n of [1, 2, 5, 20, 40]) {
      const pieces = splitText(FAKE_TEXT, n)
      expect(pieces).toHaveLength(n)
      expect(pieces.join('')).toBe(FAKE_TEXT)
    }
    expect(splitText('abc', 0)).toEqual([])
  })

  it('is deterministic', () => {
    expect(splitText(FAKE_TEXT, 5)).toEqual(splitText(FAKE_TEXT, 5))
  })
})

describe('planAnswer', () => {
  it('defaults output tokens to the events count and keeps FAKE_USAGE untouched', () => {
    const plan = planAnswer({ model: 'm' }, { events: 3 })
    expect(plan.usage).toEqual({ ...FAKE_USAGE, output_tokens: 3 })
    plan.usage.input_tokens = 1
    expect(FAKE_USAGE.input_tokens).toBe(25)
    expect(streamEvents(plan)).toHaveLength(3 + 3 + 3)
  })
})

describe('countTokens', () => {
  it('is at least 1 and grows with size', () => {
    expect(countTokens(0)).toEqual({ input_tokens: 1 })
    expect(countTokens(400)).toEqual({ input_tokens: 100 })
  })
})

describe('errors', () => {
  it('maps statuses to Anthropic error types', () => {
    expect(errorTypeForStatus(402)).toBe('billing_error')
    expect(errorTypeForStatus(418)).toBe('invalid_request_error')
    expect(errorTypeForStatus(503)).toBe('api_error')
    expect(errorTypeForStatus(504)).toBe('timeout_error')
    expect(errorTypeForStatus(529)).toBe('overloaded_error')
    expect(errorBody(401, 'no')).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'no' },
    })
  })
})
