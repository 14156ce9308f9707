import { describe, expect, it } from 'vitest'
import { extractSessionId } from './session-id'

const uuid = '5f0c3a52-8d6e-4c3b-9a1e-2f7b8c9d0e1f'

describe('extractSessionId', () => {
  it('prefers the x-claude-code-session-id header', () => {
    expect(
      extractSessionId(
        { 'x-claude-code-session-id': uuid },
        { metadata: { user_id: 'user_x_account__session_other' } },
      ),
    ).toBe(uuid)
    expect(
      extractSessionId(
        { get: (n: string) => (n === 'x-claude-code-session-id' ? ` ${uuid} ` : null) },
        undefined,
      ),
    ).toBe(uuid)
  })
  it('reads the JSON-string form of metadata.user_id', () => {
    const userId = JSON.stringify({ device_id: 'a'.repeat(64), account_uuid: '', session_id: uuid })
    expect(extractSessionId({}, { metadata: { user_id: userId } })).toBe(uuid)
  })
  it('reads the legacy plain-string form', () => {
    expect(
      extractSessionId(
        {},
        { metadata: { user_id: `user_${'b'.repeat(64)}_account__session_${uuid}` } },
      ),
    ).toBe(uuid)
    expect(
      extractSessionId(undefined, {
        metadata: { user_id: `user_abc_account_${uuid}_session_${uuid}` },
      }),
    ).toBe(uuid)
  })
  it('gives undefined when there is no session', () => {
    expect(extractSessionId({}, undefined)).toBeUndefined()
    expect(extractSessionId({}, null)).toBeUndefined()
    expect(extractSessionId({}, { metadata: {} })).toBeUndefined()
    expect(extractSessionId({}, { metadata: { user_id: 42 } })).toBeUndefined()
    expect(extractSessionId({}, { metadata: { user_id: 'user_abc' } })).toBeUndefined()
    expect(extractSessionId({}, { metadata: { user_id: '{not json' } })).toBeUndefined()
    expect(extractSessionId({}, { metadata: { user_id: '{"session_id":""}' } })).toBeUndefined()
    expect(extractSessionId({ 'x-claude-code-session-id': '' }, undefined)).toBeUndefined()
  })
  it('refuses oversized ids', () => {
    expect(
      extractSessionId({ 'x-claude-code-session-id': 'x'.repeat(129) }, undefined),
    ).toBeUndefined()
    expect(
      extractSessionId({}, { metadata: { user_id: `{"session_id":"${'x'.repeat(5000)}"}` } }),
    ).toBeUndefined()
  })
})
