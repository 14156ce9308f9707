import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { createClient } from '../client'
import { RateLimitError } from '../errors'
import { createClaudeCode } from './builder'
import { runClaudeCodeSequence } from './sequence'

let upstream: FakeUpstream
beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterAll(async () => {
  await upstream.close()
})
beforeEach(() => upstream.reset())

describe('runClaudeCodeSequence', () => {
  it('sends the warmups first, then the main request, streaming its text', async () => {
    upstream.enqueue(
      { kind: 'ok', text: 'w1' },
      { kind: 'ok', text: 'w2' },
      { kind: 'ok', text: 'main text' },
    )
    const client = createClient({ baseUrl: upstream.url, authToken: 'tok' })
    const claudeCode = createClaudeCode({ model: 'big', smallModel: 'small' })
    const labels: string[] = []
    let text = ''
    const result = await runClaudeCodeSequence({
      client,
      claudeCode,
      prompt: 'hi',
      onRequest: (r) => labels.push(r.label),
      onText: (t) => (text += t),
    })
    expect(labels).toEqual(['Warmup #1', 'Warmup #2', 'Main request'])
    expect(text).toBe('main text')
    expect(result.message.content).toEqual([{ type: 'text', text: 'main text' }])
    expect(result.warmups).toHaveLength(2)
    const sent = upstream.requests.map((r) => [r.path, (r.json as { model: string }).model])
    expect(sent).toEqual([
      ['/v1/messages?beta=true', 'small'],
      ['/v1/messages?beta=true', 'big'],
      ['/v1/messages?beta=true', 'big'],
    ])
    for (const r of upstream.requests) {
      expect(r.headers['x-claude-code-session-id']).toBe(claudeCode.sessionId)
      expect(r.headers['authorization']).toBe('Bearer tok')
      expect(r.headers['user-agent']).toBe('claude-cli/2.1.197 (external, cli)')
    }
  })

  it('sends exactly one request without warmup', async () => {
    const client = createClient({ baseUrl: upstream.url, apiKey: 'k' })
    await runClaudeCodeSequence({
      client,
      claudeCode: createClaudeCode(),
      prompt: 'hi',
      warmup: false,
    })
    expect(upstream.requests).toHaveLength(1)
  })

  it('stops at the first failure', async () => {
    upstream.enqueue({ kind: 'status', status: 429 })
    const client = createClient({ baseUrl: upstream.url, apiKey: 'k' })
    await expect(
      runClaudeCodeSequence({ client, claudeCode: createClaudeCode(), prompt: 'hi' }),
    ).rejects.toBeInstanceOf(RateLimitError)
    expect(upstream.requests).toHaveLength(1)
  })
})
