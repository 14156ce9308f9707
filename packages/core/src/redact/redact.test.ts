import { describe, expect, it } from 'vitest'
import { REDACTED, redactSecrets } from './redact'

describe('redactSecrets', () => {
  it('replaces the known key wherever it appears', () => {
    const key = 'node-key-0123'
    expect(redactSecrets(`bad key ${key}, really ${key}`, [key])).toBe(
      `bad key ${REDACTED}, really ${REDACTED}`,
    )
  })

  it('replaces key-shaped tokens without being told them', () => {
    const body = JSON.stringify({
      type: 'error',
      error: {
        type: 'authentication_error',
        message: 'invalid x-api-key sk-ant-api03-AbCdEf012345 (Bearer abc.def) ' + 'f'.repeat(40),
      },
    })
    const out = redactSecrets(body)
    expect(out).not.toContain('sk-ant-api03')
    expect(out).not.toContain('abc.def')
    expect(out).not.toContain('f'.repeat(40))
    expect(JSON.parse(out).error.type).toBe('authentication_error')
  })

  it('keeps ordinary error text, request ids and model ids', () => {
    const text =
      '{"type":"error","error":{"type":"not_found_error","message":"model: claude-sonnet-4-5-20250929"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}'
    expect(redactSecrets(text)).toBe(text)
  })

  it('ignores known secrets too short to search for', () => {
    expect(redactSecrets('a b c', ['b', '', null, undefined])).toBe('a b c')
  })

  it('redacts base64url tokens of 32 characters or more', () => {
    const token = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0'
    expect(redactSecrets(`token=${token}`)).toBe(`token=${REDACTED}`)
  })
})
