import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { startTestQcc } from './start-qcc'
import { claudeEnv, runClaude } from './claude-cli'

const NODE_KEY = 'sk-ant-claude-code-node-key'

let upstream: FakeUpstream
let qcc: RunningQcc
let home: string

beforeAll(async () => {
  upstream = await startFakeUpstream()
  qcc = await startTestQcc({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_API_KEY: NODE_KEY })
  home = mkdtempSync(join(tmpdir(), 'qcc-claude-home-'))
})
afterAll(async () => {
  await qcc?.close()
  await upstream?.close()
  if (home) rmSync(home, { recursive: true, force: true })
})

describe('the real Claude Code CLI through qcc', () => {
  it('completes `claude -p` with the tenant key, reaching the node with the node key', async () => {
    upstream.setDefault({ kind: 'ok', events: 20, text: 'Hi from qcc via the fake upstream!' })
    const result = await runClaude(
      ['-p', 'say hi', '--model', 'claude-sonnet-4-5-20250929'],
      claudeEnv(qcc.url, 'default-proxy-key', home),
      90_000,
    )
    expect(result.stderr).not.toMatch(/API Error/)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Hi from qcc via the fake upstream!')
    const messages = upstream.requests.filter((r) => r.path.startsWith('/v1/messages'))
    expect(messages.length).toBeGreaterThanOrEqual(1)
    for (const r of messages) {
      expect(r.headers['x-api-key']).toBe(NODE_KEY)
      expect(JSON.stringify(r.headers)).not.toContain('default-proxy-key')
    }
    const main = messages.find((r) => (r.json as { stream?: boolean } | undefined)?.stream === true)
    expect(main?.headers['x-claude-code-session-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(main?.bodySize).toBeGreaterThan(10_000)
    // One usage record per request, with the fake upstream's exact token counts.
    await qcc.store.usageWriter.flush()
    const usage = await qcc.store.usageSummary({})
    expect(usage.total.requests).toBe(messages.length)
    expect(usage.total.inputTokens).toBe(25 * messages.length)
    expect(usage.total.cacheReadInputTokens).toBe(5 * messages.length)
    // docs/contract.md §12: the trace of the main request names Claude Code's session and agent.
    const sessionId = main?.headers['x-claude-code-session-id'] as string
    const traced = await qcc.store.usageLogs({ sessionId, limit: 10 })
    expect(traced.length).toBeGreaterThanOrEqual(1)
    const streamed = traced.find((e) => e.stream === true)
    expect(streamed?.sessionId).toBe(sessionId)
    expect(streamed?.userAgent).toBe(main?.headers['user-agent'])
    expect(streamed?.userAgent).toMatch(/claude-cli|claude-code/i)
    expect(streamed?.clientIp).toBe('127.0.0.1')
    expect(streamed?.trace).toMatchObject([
      { nodeName: 'default', pickedBy: 'tier', outcome: 'ok' },
    ])
  })

  it('exits at once with the refusal when the key is over its rpm (docs/contract.md §10)', async () => {
    const account = await qcc.store.getAccountByName('default')
    const made = await qcc.store.createProxyKey({
      accountId: account?.id as string,
      name: 'claude-rpm',
      limits: { rpm: 1 },
    })
    const used = await fetch(`${qcc.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': made.secret },
      body: JSON.stringify({ model: 'claude-sonnet-4-5-20250929', max_tokens: 5, messages: [] }),
    })
    expect(used.status).toBe(200)
    const before = upstream.requests.length
    const started = Date.now()
    const result = await runClaude(
      ['-p', 'say hi', '--model', 'claude-sonnet-4-5-20250929'],
      claudeEnv(qcc.url, made.secret, home),
      90_000,
    )
    // Without x-should-retry: false it would sleep out retry-after (up to 60 s) up to 10 times.
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(result.code).not.toBe(0)
    expect(`${result.stdout}${result.stderr}`).toContain('key rpm limit 1 reached')
    expect(upstream.requests.length).toBe(before)
  }, 120_000)
})
