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
    // docs/contract.md §12.1: node series are labelled by account and node ids, with the name.
    const a = `account="${pool.accountId}",node="${pool.nodes.a?.id}",node_name="a"`
    const b = `account="${pool.accountId}",node="${pool.nodes.b?.id}",node_name="b"`
    expect(text).toContain(`qcc_upstream_attempts_total{${a},result="failed"} 1`)
    expect(text).toMatch(/qcc_failovers_total 1/)
    expect(text).toContain(`qcc_upstream_ttfb_seconds_count{${b}} 1`)
    expect(text).toContain(`qcc_upstream_duration_seconds_count{${a}} 1`)
    expect(text).toContain(`qcc_node_state{${a},state="healthy"} 1`)
    expect(text).toMatch(/qcc_usage_tokens_total\{kind="input"\} 50/)
    expect(text).toMatch(/qcc_streams_in_flight 0/)
    // The usage writer keeps up (flushed above) and dropped nothing; no request was unpriced.
    expect(text).toMatch(/^qcc_usage_writer_pending 0$/m)
    expect(text).toMatch(/^qcc_usage_writer_dropped 0$/m)
    expect(text).toMatch(/^qcc_unpriced_requests_total 0$/m)
    expect(text).not.toContain('sk-a')
  })

  it('keeps two tenants’ nodes of the same name apart (docs/contract.md §12)', async () => {
    pool = await startPool([{ name: 'main', weight: 1 }])
    const { store } = pool.qcc
    const other = await store.createAccount({ name: 'metrics-other', password: 'other-pass-1' })
    const otherNode = await store.createNode({
      accountId: other.id,
      name: 'main',
      baseUrl: pool.nodes.main?.upstream.url ?? '',
      apiKey: 'sk-other',
      allowPrivate: true,
    })
    const key = await store.createProxyKey({ accountId: other.id, name: 'k' })
    await pool.qcc.refresh()
    await (await pool.post(MESSAGE_BODY)).text()
    await (await pool.post(MESSAGE_BODY, { 'x-api-key': key.secret })).text()
    await (await pool.post(MESSAGE_BODY, { 'x-api-key': key.secret })).text()
    const text = await (await fetch(`${pool.qcc.url}/metrics`)).text()
    const mine = `account="${pool.accountId}",node="${pool.nodes.main?.id}",node_name="main"`
    const theirs = `account="${other.id}",node="${otherNode.id}",node_name="main"`
    expect(text).toContain(`qcc_upstream_attempts_total{${mine},result="success"} 1`)
    expect(text).toContain(`qcc_upstream_attempts_total{${theirs},result="success"} 2`)
    expect(text).toContain(`qcc_upstream_duration_seconds_count{${mine}} 1`)
    expect(text).toContain(`qcc_upstream_duration_seconds_count{${theirs}} 2`)
    expect(text).toContain(`qcc_node_state{${mine},state="healthy"} 1`)
    expect(text).toContain(`qcc_node_state{${theirs},state="healthy"} 1`)
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
