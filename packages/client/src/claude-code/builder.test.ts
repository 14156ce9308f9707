import { describe, it, expect } from 'vitest'
import { createClaudeCode, CLAUDE_CODE_TOOLS } from './builder'
import { CLAUDE_CODE_BETAS } from './data/betas'
import { formatUserId, parseUserId, uuidFromBytes, type RandomSource } from './identity'

/** A deterministic random source: bytes count up from `seed`. */
function fakeRandom(seed = 0): RandomSource {
  let next = seed
  return {
    getRandomValues(bytes) {
      for (let i = 0; i < bytes.length; i++) bytes[i] = next++ & 0xff
      return bytes
    },
    randomUUID() {
      return uuidFromBytes(this.getRandomValues(new Uint8Array(16)))
    },
  }
}

describe('createClaudeCode', () => {
  const cc = createClaudeCode({ model: 'claude-sonnet-5-5', random: fakeRandom() })

  it('makes ids from the injected random source', () => {
    expect(cc.sessionId).toBe('00010203-0405-4607-8809-0a0b0c0d0e0f')
    expect(cc.deviceId).toMatch(/^[0-9a-f]{64}$/)
    expect(cc.deviceId.startsWith('101112')).toBe(true)
    expect(JSON.parse(cc.userId)).toEqual({
      device_id: cc.deviceId,
      account_uuid: '',
      session_id: cc.sessionId,
    })
  })

  it('sends the headers Claude Code sends', () => {
    const { headers, query } = cc.request('hi')
    expect(query).toEqual({ beta: 'true' })
    expect(headers).toMatchObject({
      'anthropic-version': '2023-06-01',
      'anthropic-beta': CLAUDE_CODE_BETAS.join(','),
      'user-agent': 'claude-cli/2.1.197 (external, cli)',
      'x-app': 'cli',
      'x-claude-code-session-id': cc.sessionId,
      'anthropic-dangerous-direct-browser-access': 'true',
    })
    expect(headers['anthropic-beta']).toContain('claude-code-20250219')
  })

  it('builds the main body: system blocks with cache control, tools, metadata', () => {
    const { body, label } = cc.request('say hi')
    expect(label).toBe('Main request')
    expect(Object.keys(body)).toEqual([
      'model',
      'messages',
      'system',
      'tools',
      'metadata',
      'max_tokens',
      'stream',
    ])
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [{ type: 'text', text: 'say hi', cache_control: { type: 'ephemeral' } }],
      },
    ])
    const system = body.system as Array<{ text: string; cache_control?: unknown }>
    expect(system[0]?.text).toBe("You are Claude Code, Anthropic's official CLI for Claude.")
    expect(system.every((b) => b.cache_control !== undefined)).toBe(true)
    expect(body.tools?.map((t) => t.name)).toEqual(CLAUDE_CODE_TOOLS.map((t) => t.name))
    expect(body.tools?.map((t) => t.name)).toEqual(expect.arrayContaining(['Bash', 'Read', 'Edit']))
    for (const tool of body.tools ?? []) {
      expect(Object.keys(tool)).toEqual(['name', 'description', 'input_schema'])
      expect(tool.input_schema.type).toBe('object')
    }
    expect(body).toMatchObject({
      metadata: { user_id: cc.userId },
      max_tokens: 32000,
      stream: true,
    })
  })

  it('applies overrides', () => {
    const { body, headers } = cc.request('x', {
      model: 'm2',
      maxTokens: 10,
      tools: [],
      betas: ['b1'],
      thinkingBudget: 9,
      stream: false,
    })
    expect(body).toMatchObject({ model: 'm2', max_tokens: 10, stream: false })
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 9 })
    expect(body.tools).toBeUndefined()
    expect(headers['anthropic-beta']).toBe('b1')
  })

  it('warms up with the small model, then the main one, without tools', () => {
    const warmups = createClaudeCode({ model: 'big', smallModel: 'small' }).warmups()
    expect(warmups.map((w) => [w.label, w.body.model])).toEqual([
      ['Warmup #1', 'small'],
      ['Warmup #2', 'big'],
    ])
    for (const w of warmups) {
      expect(w.body.tools).toBeUndefined()
      expect(w.body.messages[0]?.content).toEqual([
        { type: 'text', text: 'Warmup', cache_control: { type: 'ephemeral' } },
      ])
      expect(w.body.stream).toBe(true)
    }
    expect(warmups[0]?.headers['anthropic-beta']).not.toContain('claude-code-20250219')
    expect(warmups[1]?.headers['anthropic-beta']).toContain('claude-code-20250219')
  })

  it('adds x-stainless platform headers when given', () => {
    const headers = createClaudeCode({
      platform: { os: 'Linux', arch: 'x64', runtimeVersion: 'v20.0.0' },
    }).headers()
    expect(headers).toMatchObject({
      'x-stainless-os': 'Linux',
      'x-stainless-arch': 'x64',
      'x-stainless-runtime-version': 'v20.0.0',
    })
  })

  it('uses globalThis.crypto by default', () => {
    const a = createClaudeCode()
    const b = createClaudeCode()
    expect(a.sessionId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(a.sessionId).not.toBe(b.sessionId)
    expect(a.deviceId).not.toBe(b.deviceId)
  })
})

describe('user id', () => {
  it('round-trips the JSON format and reads the legacy one', () => {
    const parts = {
      deviceId: 'a'.repeat(64),
      accountUuid: '',
      sessionId: '1d65c3b6-1ace-4b6c-b1cb-398b32f80d71',
    }
    expect(formatUserId(parts)).toBe(
      `{"device_id":"${'a'.repeat(64)}","account_uuid":"","session_id":"1d65c3b6-1ace-4b6c-b1cb-398b32f80d71"}`,
    )
    expect(parseUserId(formatUserId(parts))).toEqual(parts)
    expect(
      parseUserId(`user_${'b'.repeat(64)}_account__session_1d65c3b6-1ace-4b6c-b1cb-398b32f80d71`),
    ).toEqual({ deviceId: 'b'.repeat(64), accountUuid: '', sessionId: parts.sessionId })
    expect(parseUserId('nope')).toBeUndefined()
    expect(parseUserId('{"device_id":1}')).toBeUndefined()
  })
})
