import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { REDACTED } from '@qcc/core'
import {
  bodyOf,
  recordingUsage,
  scriptedPlan,
  scriptedUpstream,
  serve,
  target,
  type ScriptedAnswer,
  type ScriptedPlan,
} from '../../test/data-path-fakes'
import { runAttempts } from './attempt-loop'

const JSON_TYPE = { 'content-type': 'application/json' }
const SSE = { 'content-type': 'text/event-stream' }
const START = 'event: message_start\ndata: {"type":"message_start"}\n\n'

let stop: (() => Promise<void>) | undefined
afterEach(async () => {
  await stop?.()
  stop = undefined
})

/** Runs one request through `runAttempts` on a real server; `fetch` it at `url`. */
async function loop(plan: ScriptedPlan, answers: ScriptedAnswer[], firstByteTimeoutMs = 60_000) {
  const upstream = scriptedUpstream(answers)
  const usage = recordingUsage()
  const server = await serve((req, res) =>
    runAttempts(
      { upstream, usage, now: Date.now, limits: { firstByteTimeoutMs, keepaliveMs: 60_000 } },
      {
        req,
        res,
        plan,
        body: Buffer.from('{"model":"claude-test"}'),
        json: { model: 'claude-test' },
        path: '/v1/messages',
        requestId: 'req_test_1',
        tenant: { accountId: 'acct-1', keyId: 'key-1' },
        readAt: performance.now(),
      },
    ),
  )
  stop = server.close
  return { url: `${server.url}/v1/messages`, upstream, usage }
}

describe('runAttempts', () => {
  it("commits a good answer: the node's headers and body, ours added, usage told once", async () => {
    const plan = scriptedPlan([target('alpha')])
    const body = '{"id":"msg_1","usage":{"input_tokens":3}}'
    const { url, usage } = await loop(plan, [
      {
        status: 200,
        headers: { ...JSON_TYPE, 'content-length': String(body.length), 'set-cookie': 'x=1' },
        body: bodyOf(body),
      },
    ])
    const finishing = usage.nextFinish()
    const res = await fetch(url, { method: 'POST' })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(body)
    expect(res.headers.get('x-qcc-node')).toBe('alpha')
    expect(res.headers.get('x-qcc-request-id')).toBe('req_test_1')
    expect(res.headers.get('content-length')).toBe(String(body.length))
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(plan.reports).toEqual([
      { node: 'alpha', outcome: { kind: 'response', status: 200, bodySnippet: body } },
    ])
    expect(await finishing).toMatchObject({
      status: 200,
      nodeId: 'id-alpha',
      attempts: 1,
      bytes: body.length,
      partial: false,
    })
    expect(usage.began[0]).toMatchObject({ accountId: 'acct-1', model: 'claude-test' })
    expect(usage.commits).toEqual([false])
  })

  it("moves on after a failed attempt, reporting each in core's words", async () => {
    const plan = scriptedPlan([target('alpha'), target('beta')])
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })
    const { url, usage } = await loop(plan, [
      { error: refused },
      { status: 200, headers: JSON_TYPE, body: bodyOf('{}') },
    ])
    const finishing = usage.nextFinish()
    const res = await fetch(url, { method: 'POST' })
    expect(res.headers.get('x-qcc-node')).toBe('beta')
    await res.text()
    expect(plan.reports).toEqual([
      { node: 'alpha', outcome: { kind: 'connect_error', code: 'ECONNREFUSED' } },
      { node: 'beta', outcome: { kind: 'response', status: 200, bodySnippet: '{}' } },
    ])
    expect(await finishing).toMatchObject({ nodeId: 'id-beta', attempts: 2 })
  })

  it("passes the tenant's own fault through with the node's key redacted", async () => {
    const plan = scriptedPlan([target('alpha')], { passThrough: true })
    const echo = '{"type":"error","error":{"message":"bad key sk-ant-alpha-node-key"}}'
    const { url } = await loop(plan, [{ status: 400, headers: JSON_TYPE, body: bodyOf(echo) }])
    const res = await fetch(url, { method: 'POST' })
    expect(res.status).toBe(400)
    const text = await res.text()
    expect(text).not.toContain('sk-ant-alpha-node-key')
    expect(text).toContain(REDACTED)
    expect(plan.reports[0]?.outcome).toMatchObject({ kind: 'response', status: 400 })
  })

  it("answers core's final error, with retry-after, when no node is left", async () => {
    const final = {
      status: 503,
      errorType: 'api_error',
      message: 'no node available',
      retryAfterSec: 7,
    } as const
    const plan = scriptedPlan([], { final })
    const { url, usage } = await loop(plan, [])
    const finishing = usage.nextFinish()
    const res = await fetch(url, { method: 'POST' })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'no node available' },
    })
    expect(await finishing).toMatchObject({ status: 503, attempts: 0 })
  })

  it("bounds an attempt's wait by the plan's time left, never below 1 ms", async () => {
    const answers = [{ status: 200, headers: JSON_TYPE, body: bodyOf('{}') }]
    const early = await loop(scriptedPlan([target('alpha')], { remainingMs: 500 }), answers)
    await (await fetch(early.url, { method: 'POST' })).text()
    expect(early.upstream.requests[0]?.headersTimeoutMs).toBe(500)
    await stop?.()
    const late = await loop(scriptedPlan([target('alpha')], { remainingMs: 0 }), [...answers])
    await (await fetch(late.url, { method: 'POST' })).text()
    expect(late.upstream.requests[0]?.headersTimeoutMs).toBe(1)
  })

  it('a stream that breaks after the commit ends with one error frame and is reported', async () => {
    const plan = scriptedPlan([target('alpha')])
    const body = new PassThrough()
    body.write(START)
    const { url, usage } = await loop(plan, [{ status: 200, headers: SSE, body }])
    const finishing = usage.nextFinish()
    const res = await fetch(url, { method: 'POST' })
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    let text = new TextDecoder().decode((await reader.read()).value)
    expect(text).toContain('message_start')
    body.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      text += new TextDecoder().decode(r.value)
    }
    expect(text.match(/event: error/g)).toHaveLength(1)
    expect(text).toContain('the upstream stream failed')
    expect(plan.reports.map((r) => r.outcome)).toEqual([
      { kind: 'first_event', status: 200, eventType: 'message_start' },
      { kind: 'after_commit_failure', cause: 'reset' },
    ])
    expect(await finishing).toMatchObject({ status: 200, partial: true, isSse: true })
  })

  it('a stream that ends without message_stop gets the error frame and is a node failure', async () => {
    const plan = scriptedPlan([target('alpha')])
    const delta = 'event: content_block_delta\ndata: {"type":"content_block_delta"}\n\n'
    const { url, usage } = await loop(plan, [
      { status: 200, headers: SSE, body: bodyOf(START, delta) },
    ])
    const finishing = usage.nextFinish()
    const text = await (await fetch(url, { method: 'POST' })).text()
    expect(text.startsWith(START + delta)).toBe(true)
    expect(text.slice((START + delta).length)).toMatch(/^event: error\n.*before message_stop/)
    expect(plan.reports.map((r) => r.outcome)).toEqual([
      { kind: 'first_event', status: 200, eventType: 'message_start' },
      { kind: 'after_commit_failure', cause: 'incomplete' },
    ])
    expect(await finishing).toMatchObject({ status: 200, partial: true, isSse: true })
    // A whole stream is left alone.
    const whole = scriptedPlan([target('beta')])
    const stopFrame = 'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    const second = await loop(whole, [
      { status: 200, headers: SSE, body: bodyOf(START, stopFrame) },
    ])
    expect(await (await fetch(second.url, { method: 'POST' })).text()).toBe(START + stopFrame)
    expect(whole.reports).toHaveLength(1)
  })

  it('fails over on a fake 200 and sends the node its own body (docs/contract.md §13)', async () => {
    const mapped = target('beta')
    const node = { ...mapped.attempt.node, modelMap: { 'claude-*': 'relay-model' } }
    const plan = scriptedPlan([
      target('alpha'),
      { ...mapped, attempt: { ...mapped.attempt, node } },
    ])
    const { url, upstream, usage } = await loop(plan, [
      { status: 200, headers: { 'content-type': 'text/html' }, body: bodyOf('<html>busy</html>') },
      { status: 200, headers: JSON_TYPE, body: bodyOf('{"type":"message","id":"m"}') },
    ])
    const finishing = usage.nextFinish()
    const res = await fetch(url, { method: 'POST' })
    expect(res.headers.get('x-qcc-node')).toBe('beta')
    expect(await res.text()).toBe('{"type":"message","id":"m"}')
    expect(upstream.requests.map((r) => String(r.body))).toEqual([
      '{"model":"claude-test"}',
      '{"model":"relay-model"}',
    ])
    expect(upstream.requests[1]?.headers['content-length']).toBe('23')
    expect(await finishing).toMatchObject({ nodeId: 'id-beta', upstreamModel: 'relay-model' })
  })

  it('a client that leaves before any answer is a 499, reported as client_abort', async () => {
    const plan = scriptedPlan([target('alpha')])
    let sent: () => void = () => {}
    const reached = new Promise<void>((resolve) => (sent = resolve))
    const { url, usage } = await loop(plan, [
      (req) =>
        new Promise((_resolve, reject) => {
          sent()
          req.cancel.onAbort(() => reject(new Error('aborted')))
        }),
    ])
    const finishing = usage.nextFinish()
    const abort = new AbortController()
    const request = fetch(url, { method: 'POST', signal: abort.signal }).catch(() => undefined)
    await reached
    abort.abort()
    await request
    expect(await finishing).toMatchObject({ status: 499, partial: true, attempts: 1 })
    expect(plan.reports).toEqual([{ node: 'alpha', outcome: { kind: 'client_abort' } }])
  })
})
