import { afterEach, describe, expect, it } from 'vitest'
import { MESSAGE_BODY } from './start-qcc'
import { startPool, type TestPool } from './pool'

let pool: TestPool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})

describe('GET /metrics', () => {
  it('exposes requests, attempts, failovers, latency, TTFB, node states and tokens with the qcc_ prefix', async () => {
    pool = await startPool([
      { name: 'a', weight: 1 },
      { name: 'b', weight: 2 },
    ])
    pool.nodes.a?.upstream.enqueue({ kind: 'status', status: 503 })
    await (await pool.post(MESSAGE_BODY)).text()
    await (await pool.post({ ...MESSAGE_BODY, stream: true })).text()
    await pool.qcc.store.usageWriter.flush()
    const res = await fetch(`${pool.qcc.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain')
    const text = await res.text()
    expect(text).toMatch(/qcc_requests_total\{status_class="2xx"\} 2/)
    expect(text).toMatch(/qcc_upstream_attempts_total\{node="a",result="failed"\} 1/)
    expect(text).toMatch(/qcc_failovers_total 1/)
    expect(text).toMatch(/qcc_upstream_ttfb_seconds_count\{node="b"\} 1/)
    expect(text).toMatch(/qcc_upstream_duration_seconds_count\{node="a"\} 1/)
    expect(text).toMatch(/qcc_node_state\{node="a",account="[^"]+",state="healthy"\} 1/)
    expect(text).toMatch(/qcc_usage_tokens_total\{kind="input"\} 50/)
    expect(text).toMatch(/qcc_streams_in_flight 0/)
    expect(text).not.toContain('sk-a')
  })

  it('needs the bearer token when PROXY_METRICS_TOKEN is set', async () => {
    pool = await startPool([{ name: 'a', weight: 1 }], { PROXY_METRICS_TOKEN: 'scrape-me' })
    expect((await fetch(`${pool.qcc.url}/metrics`)).status).toBe(401)
    const ok = await fetch(`${pool.qcc.url}/metrics`, {
      headers: { authorization: 'Bearer scrape-me' },
    })
    expect(ok.status).toBe(200)
  })
})
