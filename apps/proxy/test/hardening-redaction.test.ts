import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

// docs/SECURITY.md H5 (docs/contract.md §9 "Upstream errors are redacted"): an upstream error body that echoes the
// node's key, or anything shaped like a key, reaches the tenant with it replaced by [redacted].
const NODE_KEY = 'sk-ant-api03-redaction-canary-0123456789'
const OTHER_TOKEN = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

let up: FakeUpstream
let qcc: RunningQcc

beforeAll(async () => {
  up = await startFakeUpstream()
  qcc = await startTestQcc({ UPSTREAM_BASE_URL: up.url, UPSTREAM_API_KEY: NODE_KEY })
})
afterAll(async () => {
  await qcc?.close()
  await up?.close()
})

const send = (body: unknown) =>
  fetch(`${qcc.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': 'default-proxy-key', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('H5: upstream error bodies are redacted', () => {
  it('H5: a passed-through 400 that echoes the node key reaches the tenant redacted', async () => {
    up.enqueue({
      kind: 'status',
      status: 400,
      body: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: `bad request for key ${NODE_KEY} (token ${OTHER_TOKEN})`,
        },
      },
    })
    const res = await send(MESSAGE_BODY)
    const text = await res.text()
    expect(res.status).toBe(400)
    expect(text).not.toContain(NODE_KEY)
    expect(text).not.toContain(OTHER_TOKEN)
    const json = JSON.parse(text)
    expect(json.error.type).toBe('invalid_request_error')
    expect(json.error.message).toContain('[redacted]')
  })

  it('H5: an upstream event: error frame after the commit reaches the tenant redacted', async () => {
    up.enqueue({
      kind: 'sse-error',
      afterEvents: 3,
      errorType: 'api_error',
      message: `internal failure with ${NODE_KEY}`,
    })
    const res = await send({ ...MESSAGE_BODY, stream: true })
    const text = await res.text()
    expect(res.status).toBe(200)
    expect(text).toContain('event: error')
    expect(text.match(/event: error/g)).toHaveLength(1)
    expect(text).not.toContain(NODE_KEY)
    expect(text).toContain('[redacted]')
    expect(text).toContain('event: message_start')
  })

  it('streams without an error frame pass byte for byte', async () => {
    const res = await send({ ...MESSAGE_BODY, stream: true })
    const text = await res.text()
    expect(res.status).toBe(200)
    expect(text).toContain('event: message_stop')
    expect(text).not.toContain('[redacted]')
  })
})
