import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { classifyUpstreamOutcome } from '@qcc/core'
import { bodyOf, scriptedUpstream, target, type ScriptedAnswer } from '../../test/data-path-fakes'
import { Cancellation } from './cancellation'
import { HEADERS_TIMEOUT } from './upstream'
import { attemptUpstream } from './upstream-attempt'

const SSE = { 'content-type': 'text/event-stream' }
const START = 'event: message_start\ndata: {"type":"message_start"}\n\n'

function attempt(answer: ScriptedAnswer, timeoutMs = 1000) {
  const upstream = scriptedUpstream([answer])
  const result = attemptUpstream({
    upstream,
    req: {
      method: 'POST',
      headers: { 'x-api-key': 'sk-qcc-tenant', 'anthropic-version': '2023-06-01' },
    },
    body: Buffer.from('{"model":"m"}'),
    path: '/v1/messages?beta=true',
    target: target('alpha'),
    timeoutMs,
    clientGone: new Cancellation(),
  })
  return { upstream, result }
}

describe('attemptUpstream', () => {
  it("calls the node with its own key, never the tenant's, within the attempt's time", async () => {
    const { upstream, result } = attempt({ status: 200, headers: { 'content-type': 'x' } })
    await result
    const sent = upstream.requests[0]
    expect(sent?.baseUrl).toBe('https://alpha.example')
    expect(sent?.path).toBe('/v1/messages?beta=true')
    expect(sent?.headers['x-api-key']).toBe('sk-ant-alpha-node-key')
    expect(sent?.headers['anthropic-version']).toBe('2023-06-01')
    expect(sent?.headers['content-length']).toBe('13')
    expect(sent?.headersTimeoutMs).toBe(1000)
  })

  it('a transport failure is a connect_error with its code, a late answer a first-byte timeout', async () => {
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })
    expect(await attempt({ error: refused }).result).toEqual({
      kind: 'failed',
      outcome: { kind: 'connect_error', code: 'ECONNREFUSED' },
    })
    const late = Object.assign(new Error('late'), { code: HEADERS_TIMEOUT })
    expect(await attempt({ error: late }).result).toEqual({
      kind: 'failed',
      outcome: { kind: 'timeout_first_byte', phase: 'headers' },
    })
  })

  it('an error status is answered with its headers and body, read to 64 KiB', async () => {
    const big = 'x'.repeat(70 * 1024)
    const { result } = attempt({ status: 429, headers: { 'retry-after': '3' }, body: bodyOf(big) })
    const got = await result
    expect(got.kind).toBe('answered')
    if (got.kind !== 'answered') return
    expect(got.outcome.status).toBe(429)
    expect(got.outcome.headers['retry-after']).toBe('3')
    expect(got.outcome.bodySnippet).toHaveLength(64 * 1024)
  })

  it('a plain 2xx answer is ready after its head, which it hands over, the rest unread', async () => {
    const small = bodyOf('{"id":"msg"}')
    const got = await attempt({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: small,
    }).result
    expect(got).toMatchObject({
      kind: 'ready',
      isSse: false,
      outcome: { kind: 'response', status: 200, bodySnippet: '{"id":"msg"}' },
    })
    if (got.kind === 'ready') expect(Buffer.concat(got.first).toString()).toBe('{"id":"msg"}')
    // A large answer: only its first 4 KiB are read before the commit (never the whole body).
    const chunk = Buffer.alloc(4096, 0x20)
    const large = bodyOf(chunk, chunk, chunk)
    const big = await attempt({ status: 200, headers: {}, body: large }).result
    if (big.kind !== 'ready') throw new Error('expected ready')
    expect(Buffer.concat(big.first).length).toBe(4096)
    expect(large.readableEnded).toBe(false)
  })

  it("hands a fake 200's head to core, which fails it (docs/contract.md §13)", async () => {
    for (const text of [
      '\n  <html><body>502 Bad Gateway</body></html>',
      '{"type":"error","error":{"type":"api_error","message":"upstream quota"}}',
    ]) {
      const got = await attempt({ status: 200, headers: {}, body: bodyOf(text) }).result
      if (got.kind !== 'ready') throw new Error('expected ready')
      expect(classifyUpstreamOutcome(got.outcome, { now: 0 })).toMatchObject({
        result: 'failed',
        retry: true,
        reason: 'fake_200',
      })
    }
  })

  it('a stream is ready after its first whole event, which it hands over', async () => {
    const got = await attempt({ status: 200, headers: SSE, body: bodyOf(START, 'event: ping\n') })
      .result
    expect(got).toMatchObject({
      kind: 'ready',
      outcome: { kind: 'first_event', status: 200, eventType: 'message_start' },
    })
    if (got.kind === 'ready') expect(Buffer.concat(got.first).toString()).toContain(START)
  })

  it('a stream that opens with an error event, or ends before any, is a failed attempt', async () => {
    const error = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error"}}\n\n'
    expect(await attempt({ status: 200, headers: SSE, body: bodyOf(error) }).result).toMatchObject({
      kind: 'failed',
      outcome: { kind: 'first_event', status: 200, eventType: 'error' },
    })
    expect(await attempt({ status: 200, headers: SSE, body: bodyOf(': hi\n') }).result).toEqual({
      kind: 'failed',
      outcome: { kind: 'response', status: 200, headers: SSE, bodySnippet: '', unparsable: true },
    })
  })

  it('a stream whose first event is late is a first-byte timeout, its body dropped', async () => {
    const silent = new PassThrough()
    const got = await attempt({ status: 200, headers: SSE, body: silent }, 20).result
    expect(got).toEqual({
      kind: 'failed',
      outcome: { kind: 'timeout_first_byte', phase: 'first_event' },
    })
    expect(silent.destroyed).toBe(true)
  })
})
