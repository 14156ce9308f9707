import { describe, expect, it } from 'vitest'
import { basePathPrefix, upstreamPath } from './upstream-url'

const join = (base: string, path: string) => upstreamPath(basePathPrefix(new URL(base)), path)

describe('upstreamPath', () => {
  it('keeps the base path and the query string', () => {
    expect(join('https://relay.example/x', '/v1/messages?beta=true')).toBe(
      '/x/v1/messages?beta=true',
    )
    expect(join('https://api.anthropic.com', '/v1/models')).toBe('/v1/models')
    expect(join('http://127.0.0.1:9000/', '/v1/messages')).toBe('/v1/messages')
  })

  it('does not double a trailing /v1', () => {
    expect(join('https://relay.example/api/v1/', '/v1/messages')).toBe('/api/v1/messages')
    expect(join('https://relay.example/api/v1', '/v1/models/claude-x')).toBe(
      '/api/v1/models/claude-x',
    )
  })
})
