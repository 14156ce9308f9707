/**
 * docs/contract.md §13 end to end, what comes back: fake 200 answers fail over, a stream without
 * message_stop ends with an error frame and partial usage; sticky_policy, sticky_break_ttfb_ms
 * and a node's sticky_ttl_sec.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { FAKE_TEXT, parseSseFrames } from '@qcc/testing'
import {
  startPolicyPool,
  upOf,
  usageOf,
  type PolicyPool,
  POLICY_BODY as BODY,
  callsOf as calls,
} from './policy-pool'
import { pollUntil } from './wait'

let pool: PolicyPool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})

const pair = () =>
  startPolicyPool([
    { name: 'a', weight: 1 },
    { name: 'b', weight: 2 },
  ])

describe('fake 200', () => {
  it.each([
    ['an HTML page', '\n  <!DOCTYPE html><html><body>502 Bad Gateway</body></html>'],
    ['a JSON error', '{"type":"error","error":{"type":"api_error","message":"relay down"}}'],
    ['a JSON error with type later', ' {"error":{"message":"no credit"},"type":"error"}'],
  ])('%s with 200 fails over; the client gets the next node’s answer', async (_what, body) => {
    pool = await pair()
    upOf(pool, 'a').enqueue({ kind: 'fake-200', body })
    const res = await pool.post(BODY)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-qcc-node')).toBe('b')
    const answer = (await res.json()) as { type: string; content: Array<{ text: string }> }
    expect(answer.type).toBe('message')
    expect(answer.content[0]?.text).toBe(FAKE_TEXT)
    expect(pool.health('a')?.consecutiveFailures).toBe(1)
  })

  it('a fake 200 to a streamed request or to count_tokens fails over too', async () => {
    pool = await pair()
    const a = upOf(pool, 'a')
    a.enqueue({
      kind: 'fake-200',
      body: '{"type":"error","error":{"type":"api_error","message":"x"}}',
    })
    const streamed = await pool.post({ ...BODY, stream: true })
    expect(streamed.headers.get('x-qcc-node')).toBe('b')
    expect(parseSseFrames(await streamed.text()).at(-1)?.event).toBe('message_stop')
    a.enqueue({ kind: 'fake-200', body: '<html>login required</html>' })
    const counted = await fetch(`${pool.qcc.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'default-proxy-key' },
      body: JSON.stringify({ model: BODY.model, messages: BODY.messages }),
    })
    expect(counted.headers.get('x-qcc-node')).toBe('b')
    expect(((await counted.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0)
  })

  it('when every node answers a fake 200 the client gets an error, never the page', async () => {
    pool = await pair()
    for (const n of ['a', 'b']) {
      upOf(pool, n).setDefault({ kind: 'fake-200', body: '<html>maintenance</html>' })
    }
    const res = await pool.post(BODY)
    expect(res.status).toBeGreaterThanOrEqual(500)
    const text = await res.text()
    expect(text).not.toContain('maintenance')
    expect((JSON.parse(text) as { type: string }).type).toBe('error')
  })

  it('passes a genuine JSON answer over 4 KiB intact, even when its text says "type":"error"', async () => {
    pool = await pair()
    const text = `${'long answer '.repeat(600)} {"type":"error"} <html>`
    const body = JSON.stringify({
      id: 'msg_big',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 25, output_tokens: 5 },
    })
    expect(body.length).toBeGreaterThan(4096)
    upOf(pool, 'a').enqueue({ kind: 'fake-200', body, contentType: 'application/json' })
    const res = await pool.post(BODY)
    expect(res.headers.get('x-qcc-node')).toBe('a')
    expect(await res.text()).toBe(body)
    expect(calls(pool, 'b')).toBe(0)
    expect(pool.health('a')?.consecutiveFailures).toBe(0)
  })
})

describe('stream without message_stop', () => {
  it.each([
    ['after message_delta', undefined, 5],
    ['after the first delta', 4, 1],
  ])(
    '%s: data so far, then an error frame; a node failure; partial usage',
    async (_w, afterEvents, output) => {
      pool = await pair()
      upOf(pool, 'a').enqueue({ kind: 'no-stop', afterEvents })
      const res = await pool.post({ ...BODY, stream: true })
      expect(res.status).toBe(200)
      expect(res.headers.get('x-qcc-node')).toBe('a')
      const frames = parseSseFrames(await res.text())
      const events = frames.map((f) => f.event)
      expect(events.slice(0, 4)).toEqual([
        'message_start',
        'content_block_start',
        'ping',
        'content_block_delta',
      ])
      expect(events).not.toContain('message_stop')
      expect(events.filter((e) => e === 'error')).toHaveLength(1)
      expect(events.at(-1)).toBe('error')
      expect(calls(pool, 'b')).toBe(0)
      expect(pool.health('a')?.consecutiveFailures).toBe(1)
      const [usage] = await usageOf(pool)
      expect(usage).toMatchObject({ partial: true, inputTokens: 25, outputTokens: output })
    },
  )
})

describe('stickiness', () => {
  /** A cheap node (tier 1) failed at once by a 401, a fallback (tier 2) and the account settings. */
  const stickyPool = (settings: Record<string, unknown>, fallback: Record<string, unknown> = {}) =>
    startPolicyPool(
      [
        { name: 'cheap', weight: 1 },
        { name: 'fallback', weight: 2, ...fallback },
      ],
      // Recovery probes every second, so the cheap node is back within the test.
      { PROXY_HEALTH_INTERVAL_SEC: '1' },
      async (qcc, accountId) => void (await qcc.store.updateAccount(accountId, { settings })),
    )
  const session = () => ({ 'x-claude-code-session-id': randomUUID() })
  const nodeFor = async (p: PolicyPool, headers: Record<string, string>, body: unknown = BODY) => {
    const res = await p.post(body, headers)
    await res.text()
    return res.headers.get('x-qcc-node')
  }
  /** Binds a session to the fallback while the cheap node is failed, then waits for recovery. */
  const bindToFallback = async (p: PolicyPool, headers: Record<string, string>) => {
    upOf(p, 'cheap').enqueue({ kind: 'status', status: 401 })
    expect(await nodeFor(p, headers)).toBe('fallback')
    expect(p.health('cheap')?.status).toBe('failed')
    await pollUntil('the cheap node back', () => p.health('cheap')?.status === 'healthy', {
      timeoutMs: 8000,
    })
    expect(await nodeFor(p, {})).toBe('cheap')
  }

  it('cost_first: a bound session moves back to the cheap node once it recovers', async () => {
    pool = await stickyPool({ stickyPolicy: 'cost_first' })
    const s = session()
    await bindToFallback(pool, s)
    expect(await nodeFor(pool, s)).toBe('cheap')
    expect(await nodeFor(pool, s)).toBe('cheap')
  })

  it('cost_first also for a session named by metadata.user_id', async () => {
    pool = await stickyPool({ stickyPolicy: 'cost_first' })
    const id = randomUUID()
    const body = {
      ...BODY,
      metadata: { user_id: JSON.stringify({ device_id: 'd1', account_uuid: '', session_id: id }) },
    }
    upOf(pool, 'cheap').enqueue({ kind: 'status', status: 401 })
    expect(await nodeFor(pool, {}, body)).toBe('fallback')
    await pollUntil('the cheap node back', () => pool?.health('cheap')?.status === 'healthy', {
      timeoutMs: 8000,
    })
    expect(await nodeFor(pool, {}, body)).toBe('cheap')
  })

  it('cache_first (the default): the session stays on the fallback', async () => {
    pool = await stickyPool({})
    const s = session()
    await bindToFallback(pool, s)
    expect(await nodeFor(pool, s)).toBe('fallback')
    await new Promise((r) => setTimeout(r, 4500))
    expect(await nodeFor(pool, s)).toBe('fallback')
  }, 20_000)

  it('a node’s sticky_ttl_sec ends its bindings sooner than the account’s', async () => {
    // Long enough to outlast the wait for the cheap node's recovery (about 1-2 s).
    pool = await stickyPool({}, { stickyTtlMs: 4000 })
    const s = session()
    await bindToFallback(pool, s)
    expect(await nodeFor(pool, s)).toBe('fallback')
    await new Promise((r) => setTimeout(r, 4500))
    expect(await nodeFor(pool, s)).toBe('cheap')
  }, 20_000)

  it('sticky_break_ttfb_ms: a binding to a slow node is dropped', async () => {
    pool = await stickyPool({ stickyBreakTtfbMs: 100 })
    upOf(pool, 'fallback').setDefault({ kind: 'ok', firstByteDelayMs: 250 })
    const s = session()
    await bindToFallback(pool, s)
    expect(await nodeFor(pool, s)).toBe('cheap')
  })
})
