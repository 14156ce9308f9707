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

  it('surfaces a bad tenant key as the SDK AuthenticationError', async () => {
    const bad = new Anthropic({ baseURL: qcc.url, apiKey: 'wrong', maxRetries: 0 })
    await expect(
      bad.messages.create(MESSAGE_BODY as Anthropic.MessageCreateParamsNonStreaming),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError)
  })
})
