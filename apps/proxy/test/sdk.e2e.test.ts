import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

let upstream: FakeUpstream
let qcc: RunningQcc

beforeAll(async () => {
  upstream = await startFakeUpstream()
  qcc = await startTestQcc({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_API_KEY: 'sk-ant-sdk-node' })
})
afterAll(async () => {
  await qcc?.close()
  await upstream?.close()
})

describe('the official Anthropic SDK through qcc', () => {
  const client = () =>
    new Anthropic({ baseURL: qcc.url, apiKey: 'default-proxy-key', maxRetries: 0 })

  it('creates a message and streams one with final usage', async () => {
    const message = await client().messages.create(
      MESSAGE_BODY as Anthropic.MessageCreateParamsNonStreaming,
    )
    expect(message.content[0]).toMatchObject({
      type: 'text',
      text: 'Hello from the fake upstream.',
    })

    const stream = client().messages.stream(
      MESSAGE_BODY as Anthropic.MessageCreateParamsNonStreaming,
    )
    let text = ''
    stream.on('text', (t) => (text += t))
    const final = await stream.finalMessage()
    expect(text).toBe('Hello from the fake upstream.')
    expect(final.usage.output_tokens).toBeGreaterThan(0)
    expect(final.usage.cache_read_input_tokens).toBeGreaterThan(0)
  })

  it('surfaces an upstream 400 as the SDK BadRequestError, and records usage exactly', async () => {
    upstream.enqueue({ kind: 'status', status: 400 })
    await expect(
      client().messages.create(MESSAGE_BODY as Anthropic.MessageCreateParamsNonStreaming),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError)

    await qcc.store.usageWriter.flush()
    const before = await qcc.store.usageSummary({})
    await client().messages.create(MESSAGE_BODY as Anthropic.MessageCreateParamsNonStreaming)
    await client()
      .messages.stream(MESSAGE_BODY as Anthropic.MessageCreateParamsNonStreaming)
      .finalMessage()
    await qcc.store.usageWriter.flush()
    const after = await qcc.store.usageSummary({})
    expect(after.total.requests - before.total.requests).toBe(2)
    // The fake upstream's fixed usage: 25 input, 5 output, 10 cache write, 5 cache read each.
    expect(after.total.inputTokens - before.total.inputTokens).toBe(50)
    expect(after.total.outputTokens - before.total.outputTokens).toBe(10)
    expect(after.total.cacheCreationInputTokens - before.total.cacheCreationInputTokens).toBe(20)
    expect(after.total.cacheReadInputTokens - before.total.cacheReadInputTokens).toBe(10)
  })

  it('surfaces a bad tenant key as the SDK AuthenticationError', async () => {
    const bad = new Anthropic({ baseURL: qcc.url, apiKey: 'wrong', maxRetries: 0 })
    await expect(
      bad.messages.create(MESSAGE_BODY as Anthropic.MessageCreateParamsNonStreaming),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError)
  })
})
