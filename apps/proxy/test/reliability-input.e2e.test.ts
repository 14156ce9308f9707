import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { MESSAGE_BODY } from './start-qcc'
import { startPool, TENANT_KEY, type TestPool } from './pool'
import { startRawUpstream, type RawUpstream } from './raw-upstream'

let pool: TestPool | undefined
let raw: RawUpstream | undefined
afterEach(async () => {
  await pool?.close()
  await raw?.close()
  pool = raw = undefined
})

const upstreamCalls = (p: TestPool) =>
  Object.values(p.nodes).reduce((n, node) => n + node.upstream.requests.length, 0)

/** Sends raw bytes on one socket and returns what came back (bounded in time). */
function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let out = ''
    const done = () => {
      socket.destroy()
      resolve(out)
    }
    socket.on('data', (d) => (out += d.toString()))
    socket.on('end', done)
    socket.on('error', done)
    socket.setTimeout(timeoutMs, done)
    socket.write(bytes)
  })
}

describe('reliability: bad input and isolation (reliability.md 5.4 to 5.6)', () => {
  it('B1: a body over the limit by content-length gets 413 before any upstream contact', async () => {
    pool = await startPool([{ name: 'a', weight: 1 }], { PROXY_MAX_BODY_BYTES: '1048576' })
    const res = await fetch(`${pool.qcc.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TENANT_KEY },
      body: 'x'.repeat(1024 * 1024 + 10),
    })
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('request_too_large')
    expect(upstreamCalls(pool)).toBe(0)
  })

  it('B2: a chunked body over the limit gets 413; the upstream never sees a byte', async () => {
    pool = await startPool([{ name: 'a', weight: 1 }], { PROXY_MAX_BODY_BYTES: '1048576' })
    const url = new URL(pool.qcc.url)
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/v1/messages',
          method: 'POST',
          headers: { 'x-api-key': TENANT_KEY, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      const chunk = Buffer.alloc(64 * 1024, 'x')
      let sent = 0
      const pump = () => {
        while (sent < 2 * 1024 * 1024) {
          sent += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        req.end()
      }
      pump()
    }).catch(() => 413)
    expect(status).toBe(413)
    expect(upstreamCalls(pool)).toBe(0)
  })

  it('B3: garbage JSON, a non-object body or text/plain get 400 with no upstream call and no penalty', async () => {
    pool = await startPool([{ name: 'a', weight: 1 }])
    for (const body of ['{"model":', '[1,2]', 'plain words']) {
      const res = await fetch(`${pool.qcc.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'x-api-key': TENANT_KEY },
        body,
      })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe(
        'invalid_request_error',
      )
    }
    expect(upstreamCalls(pool)).toBe(0)
    expect(pool.qcc.health.get(pool.nodes.a?.id ?? '')?.health.consecutiveFailures).toBe(0)
  })

  it('B4: a client that trickles its headers is cut off by the server timeouts', async () => {
    pool = await startPool([{ name: 'a', weight: 1 }], { PROXY_CLIENT_HEADERS_TIMEOUT_SEC: '1' })
    const port = Number(new URL(pool.qcc.url).port)
    const started = Date.now()
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      let out = ''
      socket.on('data', (d) => (out += d.toString()))
      socket.on('close', () => resolve(out))
      socket.write('POST /v1/messages HTTP/1.1\r\nHost: x\r\n')
      const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 300)
      socket.on('close', () => clearInterval(drip))
      setTimeout(() => socket.destroy(), 8000)
    })
    expect(Date.now() - started).toBeLessThan(7000)
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true)
    expect(upstreamCalls(pool)).toBe(0)
  })

  it('B5: request smuggling and header abuse are refused before anything is forwarded', async () => {
    pool = await startPool([{ name: 'a', weight: 1 }])
    const port = Number(new URL(pool.qcc.url).port)
    const body = JSON.stringify(MESSAGE_BODY)
    const both = await rawExchange(
      port,
      `POST /v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: ${TENANT_KEY}\r\nContent-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    )
    expect(both).toMatch(/^HTTP\/1\.1 400/)
    const bigHeader = await rawExchange(
      port,
      `POST /v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: ${TENANT_KEY}\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    )
    expect(bigHeader).toMatch(/^HTTP\/1\.1 431/)
    const crlf = await rawExchange(
      port,
      `GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n`,
    )
    expect(crlf).toMatch(/^HTTP\/1\.1 400/)
    expect(upstreamCalls(pool)).toBe(0)
  })

  it('B6: only the four routes are forwarded; traversal and odd paths are 404', async () => {
    pool = await startPool([{ name: 'a', weight: 1 }])
    const port = Number(new URL(pool.qcc.url).port)
    for (const path of [
      '/v1/organizations/org_1/api_keys',
      '/v1/messages/../x',
      '/v1/messages/%2e%2e/x',
      '/v1/complete',
      '/v1/messages/batches',
    ]) {
      const answer = await rawExchange(
        port,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nx-api-key: ${TENANT_KEY}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      )
      expect(answer, path).toMatch(/^HTTP\/1\.1 404/)
    }
    const evil = await rawExchange(
      port,
      `POST //evil.example/v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: ${TENANT_KEY}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    )
    expect(evil).toMatch(/^HTTP\/1\.1 404/)
    expect(upstreamCalls(pool)).toBe(0)
  })

  it('A9: the upstream sees the node key and end-to-end headers only', async () => {
    pool = await startPool([{ name: 'a', weight: 1 }])
    // fetch() refuses a custom Connection header, so this goes through node:http.
    const url = new URL(pool.qcc.url)
    const body = JSON.stringify(MESSAGE_BODY)
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/v1/messages',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${TENANT_KEY}`,
            cookie: 'session_token=abc',
            connection: 'keep-alive, x-private',
            'x-private': 'secret',
            'x-forwarded-for': '10.1.1.1',
            'anthropic-beta': 'claude-code-20250219',
            'anthropic-version': '2023-06-01',
          },
        },
        (res) => res.resume().on('end', resolve),
      )
      req.on('error', reject)
      req.end(body)
    })
    const seen = pool.nodes.a?.upstream.requests[0]?.headers ?? {}
    expect(seen['x-api-key']).toBe('sk-a')
    for (const h of ['authorization', 'cookie', 'x-private', 'x-forwarded-for'])
      expect(seen[h], h).toBeUndefined()
    expect(seen['anthropic-beta']).toBe('claude-code-20250219')
    expect(seen['anthropic-version']).toBe('2023-06-01')
    expect(JSON.stringify(seen)).not.toContain(TENANT_KEY)
  })

  it('A10: cookies, server names and node headers never reach the client; useful ones do', async () => {
    raw = await startRawUpstream()
    pool = await startPool([{ name: 'raw', weight: 1, baseUrl: raw.url }])
    raw.handler = (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'set-cookie': 'relay=1',
        server: 'secret-relay/1.0',
        'x-relay-node': 'internal-7',
        'request-id': 'req_up',
        'retry-after': '1',
        'x-should-retry': 'false',
      })
      res.end(
        JSON.stringify({
          type: 'message',
          content: [],
          usage: { input_tokens: 1, output_tokens: 1 },
        }),
      )
    }
    const res = await pool.post(MESSAGE_BODY)
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(res.headers.get('server')).toBeNull()
    expect(res.headers.get('x-relay-node')).toBeNull()
    expect(res.headers.get('request-id')).toBe('req_up')
    expect(res.headers.get('retry-after')).toBe('1')
    expect(res.headers.get('x-should-retry')).toBe('false')
  })

  it('A12: a redirect is never followed; the attacker host receives nothing', async () => {
    const attacker = await startRawUpstream()
    let hits = 0
    attacker.handler = (_req, res) => {
      hits++
      res.end()
    }
    try {
      pool = await startPool([
        { name: 'a', weight: 1 },
        { name: 'b', weight: 2 },
      ])
      pool.nodes.a?.upstream.enqueue({ kind: 'redirect', location: `${attacker.url}/v1/messages` })
      const res = await pool.post(MESSAGE_BODY)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-qcc-node')).toBe('b')
      expect(hits).toBe(0)
      expect(pool.qcc.health.get(pool.nodes.a?.id ?? '')?.health.consecutiveFailures).toBe(1)
    } finally {
      await attacker.close()
    }
  })

  it('T1: nothing a client sends can pick a node, and T3: failover stays in the tenant pool', async () => {
    pool = await startPool([{ name: 'a', weight: 1 }])
    const other = await pool.qcc.store.createAccount({ name: 'other', password: 'other-pass-123' })
    const { startFakeUpstream } = await import('@qcc/testing')
    const foreign = await startFakeUpstream({ name: 'foreign' })
    try {
      const node = await pool.qcc.store.createNode({
        accountId: other.id,
        name: 'foreign',
        baseUrl: foreign.url,
        apiKey: 'sk-foreign',
        weight: 1,
        allowPrivate: true,
      })
      await pool.qcc.refresh()
      const res = await fetch(`${pool.qcc.url}/v1/messages?node=${node.id}&node_id=${node.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': TENANT_KEY,
          'x-node-id': node.id,
          'x-qcc-node': 'foreign',
        },
        body: JSON.stringify({ ...MESSAGE_BODY, node: node.id, node_id: node.id }),
      })
      expect(res.headers.get('x-qcc-node')).toBe('a')
      pool.nodes.a?.upstream.setDefault({ kind: 'status', status: 503 })
      const down = await pool.post(MESSAGE_BODY)
      expect(down.status).toBe(502)
      expect(foreign.requests).toHaveLength(0)
    } finally {
      await foreign.close()
    }
  })
})

describe('upstream address policy at connect time (docs/contract.md §6.2)', () => {
  it('refuses a tenant node that resolves to loopback, and a metadata address for anyone', async () => {
    pool = await startPool([{ name: 'a', weight: 5 }])
    const tenantNode = await pool.qcc.store.createNode({
      accountId: pool.accountId,
      name: 'sneaky',
      // A name saved by a tenant that resolves to loopback when the proxy connects.
      baseUrl: `http://localhost:${new URL(pool.nodes.a?.upstream.url ?? '').port}`,
      apiKey: 'sk-sneaky',
      weight: 1,
      allowPrivate: false,
    })
    const metadata = await pool.qcc.store.createNode({
      accountId: pool.accountId,
      name: 'metadata',
      baseUrl: 'http://169.254.169.254',
      apiKey: 'sk-meta',
      weight: 1,
      allowPrivate: true,
    })
    await pool.qcc.refresh()
    const before = pool.nodes.a?.upstream.requests.length ?? 0
    const res = await pool.post(MESSAGE_BODY)
    expect(res.headers.get('x-qcc-node')).toBe('a')
    // Only the allowed node's request arrived at the shared upstream.
    expect((pool.nodes.a?.upstream.requests.length ?? 0) - before).toBe(1)
    expect(pool.nodes.a?.upstream.requests.at(-1)?.headers['x-api-key']).toBe('sk-a')
    for (const id of [tenantNode.id, metadata.id]) {
      expect(pool.qcc.health.get(id)?.health.consecutiveFailures).toBe(1)
    }
  })
})
