import { describe, expect, it } from 'vitest'
import { joinUpstreamUrl } from './upstream-url'

describe('joinUpstreamUrl', () => {
  it('keeps the base path and the query string', () => {
    expect(joinUpstreamUrl('https://relay.example/x', '/v1/messages?beta=true').href).toBe(
      'https://relay.example/x/v1/messages?beta=true',
    )
    expect(joinUpstreamUrl('https://api.anthropic.com', '/v1/models').href).toBe(
      'https://api.anthropic.com/v1/models',
    )
    expect(joinUpstreamUrl('http://127.0.0.1:9000/', '/v1/messages').href).toBe(
      'http://127.0.0.1:9000/v1/messages',
    )
  })

  it('does not double a trailing /v1', () => {
    expect(joinUpstreamUrl('https://relay.example/api/v1/', '/v1/messages').href).toBe(
      'https://relay.example/api/v1/messages',
    )
  })
})
