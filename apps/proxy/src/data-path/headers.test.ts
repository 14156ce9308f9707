import { describe, expect, it } from 'vitest'
import { buildUpstreamHeaders, pickDownstreamHeaders } from './headers'

describe('buildUpstreamHeaders', () => {
  it('replaces the tenant credentials with the node key and keeps anthropic-* headers', () => {
    const out = buildUpstreamHeaders(
      {
        'x-api-key': 'tenant-key',
        authorization: 'Bearer tenant-key',
        cookie: 'session_token=abc',
        host: 'qcc.local',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'claude-code-20250219',
        'accept-encoding': 'gzip, br',
        'x-forwarded-for': '10.0.0.1',
        connection: 'keep-alive, x-secret-hop',
        'x-secret-hop': '1',
        'x-claude-code-session-id': 's1',
        'content-length': '999',
      },
      { apiKey: 'node-key' },
      12,
    )
    expect(out).toEqual({
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219',
      'x-claude-code-session-id': 's1',
      'accept-encoding': 'identity',
      'x-api-key': 'node-key',
      'content-length': '12',
    })
  })
})

describe('node credentials (docs/contract.md §13)', () => {
  const incoming = { 'x-api-key': 'tenant-key', 'anthropic-version': '2023-06-01' }
  it('sends the key as auth_header says', () => {
    const bearer = buildUpstreamHeaders(incoming, { apiKey: 'k1', authHeader: 'bearer' }, 0)
    expect(bearer.authorization).toBe('Bearer k1')
    expect(bearer['x-api-key']).toBeUndefined()
    const both = buildUpstreamHeaders(incoming, { apiKey: 'k1', authHeader: 'both' }, 0)
    expect(both).toMatchObject({ authorization: 'Bearer k1', 'x-api-key': 'k1' })
    const plain = buildUpstreamHeaders(incoming, { apiKey: 'k1', authHeader: 'x-api-key' }, 0)
    expect(plain['x-api-key']).toBe('k1')
    expect(plain.authorization).toBeUndefined()
    // A key-less relay gets neither, whatever the mode (and never the tenant's key).
    const none = buildUpstreamHeaders(incoming, { apiKey: null, authHeader: 'both' }, 0)
    expect(none['x-api-key']).toBeUndefined()
    expect(none.authorization).toBeUndefined()
  })
  it("adds the node's extra headers, over a client header of the same name", () => {
    const out = buildUpstreamHeaders(
      { ...incoming, 'x-relay-team': 'client-says' },
      { apiKey: 'k1', extraHeaders: { 'x-relay-team': 'ops', 'x-relay-token': 't0k' } },
      0,
    )
    expect(out).toMatchObject({ 'x-relay-team': 'ops', 'x-relay-token': 't0k', 'x-api-key': 'k1' })
  })
})

describe('pickDownstreamHeaders', () => {
  it('passes only the allowlist', () => {
    expect(
      pickDownstreamHeaders({
        'content-type': 'text/event-stream',
        'request-id': 'req_1',
        'retry-after': '3',
        'x-should-retry': 'true',
        'anthropic-ratelimit-requests-remaining': '9',
        'set-cookie': ['a=b'],
        server: 'cloudflare',
        'content-length': '10',
      }),
    ).toEqual({
      'content-type': 'text/event-stream',
      'request-id': 'req_1',
      'retry-after': '3',
      'x-should-retry': 'true',
      'anthropic-ratelimit-requests-remaining': '9',
    })
  })
})
