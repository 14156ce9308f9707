import { describe, expect, it } from 'vitest'
import { isValidModelId, MODEL_ID_MAX } from './model-id'

describe('isValidModelId (docs/contract.md §15)', () => {
  it('takes ids of 1 to 256 printable characters', () => {
    expect(isValidModelId('claude-sonnet-5-5')).toBe(true)
    expect(isValidModelId('claude-opus-5-5[1m]')).toBe(true)
    expect(isValidModelId('=HYPERLINK("http://evil","click")')).toBe(true)
    expect(isValidModelId('模型 v1')).toBe(true)
    expect(isValidModelId('x'.repeat(MODEL_ID_MAX))).toBe(true)
    // 256 astral characters are 512 UTF-16 units and still 256 characters.
    expect(isValidModelId('😀'.repeat(MODEL_ID_MAX))).toBe(true)
  })

  it('refuses everything else', () => {
    for (const bad of [
      undefined,
      null,
      42,
      ['claude'],
      '',
      'x'.repeat(MODEL_ID_MAX + 1),
      'x'.repeat(300),
      '😀'.repeat(MODEL_ID_MAX + 1),
      'claude\u0000',
      'claude\nsonnet',
      'claude\tsonnet',
      'claude\u007f',
      'claude\u0085',
      'claude\ud800',
      '\udc00claude',
      'claude\u202esonnet',
      'claude\u200bsonnet',
      'claude\u2028',
      'claude\ue000',
    ]) {
      expect(isValidModelId(bad), JSON.stringify(bad)).toBe(false)
    }
  })
})
