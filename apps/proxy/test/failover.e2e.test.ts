import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseSseFrames, startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

const KEY = 'default-proxy-key'
let primary: FakeUpstream
let backup: FakeUpstream
let qcc: RunningQcc

beforeAll(async () => {
  primary = await startFakeUpstream({ name: 'primary' })
  backup = await startFakeUpstream({ name: 'backup' })
  qcc = await startTestQcc({
    UPSTREAM_BASE_URL: primary.url,
    UPSTREAM_API_KEY: 'sk-primary',
    UPSTREAM_NAME: 'primary',
    PROXY_FAIL_THRESHOLD: '100',
  })
  const account = await qcc.store.getAccountByName('default')
  if (!account) throw new Error('no default account')
  await qcc.store.createNode({
    accountId: account.id,
    name: 'backup',
    baseUrl: backup.url,
    apiKey: 'sk-backup',
    weight: 2,
    allowPrivate: true,
  })
  await qcc.refresh()
})
afterAll(async () => {
  await qcc?.close()
  await primary?.close()
  await backup?.close()
})
beforeEach(() => {
  primary.reset()
  backup.reset()
})

const post = (body: unknown) =>
  fetch(`${qcc.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: JSON.stringify(body),
  })

describe('failover before the first byte', () => {
  it('prefers the lower weight and moves to the next tier on a 500', async () => {
    const ok = await post(MESSAGE_BODY)
    expect(ok.headers.get('x-qcc-node')).toBe('primary')
    primary.enqueue({ kind: 'status', status: 500 })
    const res = await post(MESSAGE_BODY)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-qcc-node')).toBe('backup')
    expect(backup.requests[0]?.headers['x-api-key']).toBe('sk-backup')
  })

  it('passes a 400 through at once, without trying another node', async () => {
    primary.enqueue({ kind: 'status', status: 400 })
    const res = await post(MESSAGE_BODY)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe(
      'invalid_request_error',
    )
    expect(backup.requests).toHaveLength(0)
  })

  it('ends a stream cut after the commit with exactly one error frame', async () => {
    primary.enqueue({ kind: 'cut', afterEvents: 4 })
    const res = await post({ ...MESSAGE_BODY, stream: true })
    expect(res.headers.get('x-qcc-node')).toBe('primary')
    const frames = parseSseFrames(await res.text())
    expect(frames.filter((f) => f.event === 'error')).toHaveLength(1)
    expect(frames.at(-1)?.event).toBe('error')
    expect(backup.requests).toHaveLength(0)
  })
  // Last but one: the overloaded answer leaves the primary cooling for 10 s.
  it('treats an `event: error` that comes first as a failed attempt', async () => {
    primary.enqueue({ kind: 'sse-error', afterEvents: 0, errorType: 'overloaded_error' })
    const res = await post({ ...MESSAGE_BODY, stream: true })
    expect(res.headers.get('x-qcc-node')).toBe('backup')
    const frames = parseSseFrames(await res.text())
    expect(frames.some((f) => f.event === 'error')).toBe(false)
    expect(frames.at(-1)?.event).toBe('message_stop')
  })

  it('answers 502 in Anthropic shape when every node fails', async () => {
    primary.setDefault({ kind: 'status', status: 503 })
    backup.setDefault({ kind: 'status', status: 502 })
    const res = await post(MESSAGE_BODY)
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'api_error', message: expect.any(String) },
    })
  })
})

describe('usage', () => {
  it('records one usage event per request with tokens and cost from the stream', async () => {
    await qcc.store.usageWriter.flush()
    const before = await qcc.store.usageSummary({})
    const res = await post({ ...MESSAGE_BODY, stream: true })
    await res.text()
    await qcc.store.usageWriter.flush()
    const after = await qcc.store.usageSummary({})
    expect(after.total.requests - before.total.requests).toBe(1)
    expect(after.total.inputTokens - before.total.inputTokens).toBe(25)
    expect(after.total.outputTokens - before.total.outputTokens).toBe(5)
    expect(after.total.cacheReadInputTokens - before.total.cacheReadInputTokens).toBe(5)
    expect(after.total.costUsd).toBeGreaterThan(before.total.costUsd)
  })
})
