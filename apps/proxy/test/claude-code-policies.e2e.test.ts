/**
 * The real Claude Code CLI and the official SDK through a strict relay (docs/contract.md §13): the
 * relay takes only `Authorization: Bearer <its key>` and only its own model id, so every call
 * must leave qcc with the node's auth_header mode and its model_map applied.
 */
import Anthropic from '@anthropic-ai/sdk'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { FakeUpstream } from '@qcc/testing'
import { startPolicyPool, TENANT_KEY, upOf, usageOf, type PolicyPool } from './policy-pool'
import { claudeEnv, runClaude } from './claude-cli'

const RELAY_KEY = 'sk-relay-bearer-only-key-0001'
const RELAY_MODEL = 'relay-sonnet'
const REQUESTED = 'claude-sonnet-4-5-20250929'

let pool: PolicyPool
let relay: FakeUpstream
let home: string

beforeAll(async () => {
  pool = await startPolicyPool([
    {
      name: 'relay',
      apiKey: RELAY_KEY,
      authHeader: 'bearer',
      modelMap: { 'claude-*': RELAY_MODEL },
      upstream: { accept: { auth: 'bearer', key: RELAY_KEY, models: [RELAY_MODEL] } },
    },
  ])
  relay = upOf(pool, 'relay')
  home = mkdtempSync(join(tmpdir(), 'qcc-claude-policies-home-'))
})
afterAll(async () => {
  await pool?.close()
  if (home) rmSync(home, { recursive: true, force: true })
})
beforeEach(() => relay.reset())

/** Every request the relay got carried its bearer key only, and the mapped model when it had one. */
function expectRelayCredentials(): void {
  expect(relay.requests.length).toBeGreaterThanOrEqual(1)
  for (const r of relay.requests) {
    expect(r.headers.authorization).toBe(`Bearer ${RELAY_KEY}`)
    expect(r.headers['x-api-key']).toBeUndefined()
    expect(JSON.stringify(r.headers)).not.toContain(TENANT_KEY)
    const model = (r.json as { model?: unknown } | undefined)?.model
    if (r.method === 'POST') expect(model).toBe(RELAY_MODEL)
  }
}

describe('a bearer-only relay with a model map', () => {
  it('the fake relay itself refuses the x-api-key form and the unmapped model', async () => {
    const post = (headers: Record<string, string>, model: string) =>
      fetch(`${relay.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
      })
    expect((await post({ 'x-api-key': RELAY_KEY }, RELAY_MODEL)).status).toBe(401)
    expect((await post({ authorization: `Bearer ${RELAY_KEY}` }, REQUESTED)).status).toBe(404)
  })

  it('`claude -p --model claude-sonnet-4-5-20250929` succeeds through the node', async () => {
    relay.setDefault({ kind: 'ok', events: 12, text: 'Mapped relay says hello!' })
    const result = await runClaude(
      ['-p', 'say hi', '--model', REQUESTED],
      claudeEnv(pool.qcc.url, TENANT_KEY, home),
      90_000,
    )
    expect(result.stderr).not.toMatch(/API Error/)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Mapped relay says hello!')
    expect(relay.requests.some((r) => (r.json as { stream?: boolean })?.stream === true)).toBe(true)
    expectRelayCredentials()
    const usage = await usageOf(pool, 50)
    const main = usage.find((u) => u.model === REQUESTED)
    expect(main).toMatchObject({ upstreamModel: RELAY_MODEL, status: 200 })
  }, 120_000)

  it('the official SDK creates and streams a message through the same node', async () => {
    relay.setDefault({ kind: 'ok' })
    const client = new Anthropic({ baseURL: pool.qcc.url, apiKey: TENANT_KEY, maxRetries: 0 })
    // Another id the map covers (the SDK warns about the deprecated one Claude Code is run with).
    const params = {
      model: 'claude-sonnet-4-6',
      max_tokens: 50,
      messages: [{ role: 'user' as const, content: 'hi' }],
    }
    const message = await client.messages.create(params)
    expect(message.content[0]).toMatchObject({
      type: 'text',
      text: 'Hello from the fake upstream.',
    })
    const stream = client.messages.stream(params)
    let text = ''
    stream.on('text', (t) => (text += t))
    const final = await stream.finalMessage()
    expect(text).toBe('Hello from the fake upstream.')
    expect(final.usage.output_tokens).toBeGreaterThan(0)
    const counted = await client.messages.countTokens({
      model: REQUESTED,
      messages: params.messages,
    })
    expect(counted.input_tokens).toBeGreaterThan(0)
    expect(relay.requests).toHaveLength(3)
    expectRelayCredentials()
  })
})
