import { describe, expect, it } from 'vitest'
import * as testing from './index'

describe('@qcc/testing exports', () => {
  it('exposes the fake upstream API', () => {
    expect(typeof testing.startFakeUpstream).toBe('function')
    expect(typeof testing.parseSseFrames).toBe('function')
    expect(testing.FAKE_USAGE).toEqual({
      input_tokens: 25,
      output_tokens: 5,
      cache_creation_input_tokens: 10,
      cache_read_input_tokens: 5,
      cache_creation: { ephemeral_5m_input_tokens: 6, ephemeral_1h_input_tokens: 4 },
    })
  })
})
