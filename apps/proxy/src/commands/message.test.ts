import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { runMessageCommand, type MessageCommandEnv } from './message'

function sink() {
  const chunks: string[] = []
  return { chunks, write: (s: string) => chunks.push(s), text: () => chunks.join('') }
}

let upstream: FakeUpstream
beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterAll(async () => {
  await upstream.close()
})
beforeEach(() => upstream.reset())

async function run(args: string[], env: Partial<MessageCommandEnv> = {}) {
  const stdout = sink()
  const stderr = sink()
  const code = await runMessageCommand({
    args,
    env: { ANTHROPIC_AUTH_TOKEN: 'tok', ANTHROPIC_BASE_URL: upstream.url, ...env },
    stdout,
    stderr,
  })
  return { code, stdout, stderr }
}

const models = () => upstream.requests.map((r) => (r.json as { model?: string }).model)

describe('qcc message', () => {
  it('prints the streamed text, piece by piece, with NO_WARMUP=1 sending one request', async () => {
    upstream.enqueue({ kind: 'ok', text: 'Hello there, 世界!', events: 4 })
    const { code, stdout, stderr } = await run(['hi'], { NO_WARMUP: '1', MODEL: 'claude-x' })
    expect(code).toBe(0)
    expect(stdout.text()).toBe('Hello there, 世界!\n')
    expect(stdout.chunks.length).toBeGreaterThanOrEqual(4)
    expect(upstream.requests).toHaveLength(1)
    expect(models()).toEqual(['claude-x'])
    const [request] = upstream.requests
    expect(request?.path).toBe('/v1/messages?beta=true')
    expect(request?.headers['authorization']).toBe('Bearer tok')
    expect((request?.json as { messages: unknown }).messages).toEqual([
      {
        role: 'user',
        content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }],
      },
    ])
    expect(stderr.text()).toContain('Main request with claude-x')
    expect(stderr.text()).toMatch(/usage: input 25, output 4/)
  })

  it('sends the warmups first without NO_WARMUP', async () => {
    upstream.enqueue(
      { kind: 'ok', text: 'w' },
      { kind: 'ok', text: 'w' },
      { kind: 'ok', text: 'main' },
    )
    const { code, stdout, stderr } = await run(['say', 'hi'], {
      MODEL: 'big',
      WARMUP_MODEL: 'small',
    })
    expect(code).toBe(0)
    expect(stdout.text()).toBe('main\n')
    expect(models()).toEqual(['small', 'big', 'big'])
    const texts = upstream.requests.map(
      (r) =>
        (r.json as { messages: Array<{ content: Array<{ text: string }> }> }).messages[0]
          ?.content[0]?.text,
    )
    expect(texts).toEqual(['Warmup', 'Warmup', 'say hi'])
    expect(stderr.text().split('\n').slice(0, 3)).toEqual([
      'Warmup #1 with small',
      'Warmup #2 with big',
      'Main request with big',
    ])
  })

  it('uses x-api-key for ANTHROPIC_API_KEY', async () => {
    const { code } = await run(['hi'], {
      ANTHROPIC_AUTH_TOKEN: undefined,
      ANTHROPIC_API_KEY: 'sk',
      NO_WARMUP: '1',
    })
    expect(code).toBe(0)
    expect(upstream.requests[0]?.headers['x-api-key']).toBe('sk')
    expect(upstream.requests[0]?.headers['authorization']).toBeUndefined()
  })

  it("exits 1 with the upstream's error message", async () => {
    upstream.enqueue({ kind: 'status', status: 401 })
    const { code, stdout, stderr } = await run(['hi'], { NO_WARMUP: '1' })
    expect(code).toBe(1)
    expect(stdout.text()).toBe('')
    expect(stderr.text()).toMatch(/upstream 401 authentication_error: invalid x-api-key/)
  })

  it('exits 1 when the stream fails part-way, keeping the text so far', async () => {
    upstream.enqueue({ kind: 'sse-error', afterEvents: 5, message: 'Overloaded right now' })
    const { code, stdout, stderr } = await run(['hi'], { NO_WARMUP: '1' })
    expect(code).toBe(1)
    expect(stdout.text().length).toBeGreaterThan(1)
    expect(stderr.text()).toMatch(/overloaded_error: Overloaded right now/)
  })

  it('exits 1 when a warmup fails, without sending the rest', async () => {
    upstream.enqueue({ kind: 'status', status: 529 })
    const { code, stderr } = await run(['hi'])
    expect(code).toBe(1)
    expect(upstream.requests).toHaveLength(1)
    expect(stderr.text()).toMatch(/upstream 529 overloaded_error/)
  })

  it('exits 2 on usage errors', async () => {
    expect((await run([])).code).toBe(2)
    expect((await run(['hi'], { ANTHROPIC_AUTH_TOKEN: undefined })).code).toBe(2)
    expect((await run(['hi'], { ANTHROPIC_BASE_URL: 'ftp://x' })).code).toBe(2)
    expect(upstream.requests).toHaveLength(0)
  })
})
