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
      'node-key',
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
