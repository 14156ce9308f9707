import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { upstreamAddressPolicy, type LookupFunction } from './address-check'
import { createOutboundClient, OUTBOUND_BODY_LIMIT, type OutboundClient } from './outbound-client'

interface Host {
  url: string
  port: number
  seen: string[]
  server: Server
}

async function startHost(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: string[] = []
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    answer(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return { url: `http://127.0.0.1:${port}`, port, seen, server } satisfies Host
}

const stop = (host: Host | undefined) =>
  new Promise<void>((resolve) => {
    if (!host) return resolve()
    host.server.closeAllConnections()
    host.server.close(() => resolve())
  })

let plain: Host
let redirecting: Host
let big: Host
let silent: Host
let outbound: OutboundClient
// A resolver that answers 127.0.0.1 for every name, as a rebound DNS name would.
const lookups: string[] = []
const rebound: LookupFunction = (hostname, _options, callback) => {
  lookups.push(hostname)
  callback(null, [{ address: '127.0.0.1', family: 4 }])
}

beforeAll(async () => {
  plain = await startHost((_req, res) => res.end('{"ok":true}'))
  redirecting = await startHost((_req, res) => {
    res.writeHead(302, { location: `${plain.url}/secret` })
    res.end('moved')
  })
  big = await startHost((_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' })
    res.end('x'.repeat(1024 * 1024))
  })
  silent = await startHost(() => {})
  outbound = createOutboundClient({ addressPolicy: upstreamAddressPolicy, lookup: rebound })
})
afterAll(async () => {
  await outbound?.close()
  await Promise.all([plain, redirecting, big, silent].map(stop))
})

describe('outbound client (docs/contract.md §9: every outbound call obeys the address policy)', () => {
  it('checks the address a name resolves to at connect time', async () => {
    const before = plain.seen.length
    const url = `http://rebound.test:${plain.port}/hook`
    const refused = await outbound.request({
      url,
      method: 'POST',
      allowPrivate: false,
      timeoutMs: 3000,
    })
    expect(refused).toMatchObject({ kind: 'failed', errorClass: 'address_refused' })
    expect(lookups).toContain('rebound.test')
    expect(plain.seen.length).toBe(before)
    const allowed = await outbound.request({
      url,
      method: 'POST',
      allowPrivate: true,
      timeoutMs: 3000,
    })
    expect(allowed).toMatchObject({ kind: 'answer', status: 200, body: '{"ok":true}' })
    expect(plain.seen.length).toBe(before + 1)
  })

  it('checks IP literals, and refuses metadata addresses even for private callers', async () => {
    const before = plain.seen.length
    for (const url of [
      plain.url,
      `http://[::1]:${plain.port}`,
      `http://2130706433:${plain.port}`,
    ]) {
      const r = await outbound.request({ url, method: 'GET', allowPrivate: false, timeoutMs: 3000 })
      expect(r).toMatchObject({ kind: 'failed', errorClass: 'address_refused' })
    }
    const metadata = await outbound.request({
      url: 'http://169.254.169.254/latest/meta-data',
      method: 'GET',
      allowPrivate: true,
      timeoutMs: 3000,
    })
    expect(metadata).toMatchObject({ kind: 'failed', errorClass: 'address_refused' })
    expect(plain.seen.length).toBe(before)
  })

  it('never follows a redirect: a 3xx is a failure of class redirect', async () => {
    const before = plain.seen.length
    const r = await outbound.request({
      url: `${redirecting.url}/v1/messages`,
      method: 'POST',
      headers: { 'x-api-key': 'node-key' },
      body: '{}',
      allowPrivate: true,
      timeoutMs: 3000,
    })
    expect(r).toEqual({ kind: 'failed', errorClass: 'redirect', status: 302 })
    expect(plain.seen.length).toBe(before)
  })

  it('reads at most a few KiB of a body', async () => {
    const r = await outbound.request({
      url: big.url,
      method: 'GET',
      allowPrivate: true,
      timeoutMs: 3000,
    })
    expect(r).toMatchObject({ kind: 'answer', status: 500, truncated: true })
    expect(r.kind === 'answer' && r.body.length).toBe(OUTBOUND_BODY_LIMIT)
  })

  it('bounds a silent host by the timeout and reports a closed port as connect_refused', async () => {
    const started = Date.now()
    const slow = await outbound.request({
      url: silent.url,
      method: 'GET',
      allowPrivate: true,
      timeoutMs: 300,
    })
    expect(slow).toMatchObject({ kind: 'failed', errorClass: 'timeout' })
    expect(Date.now() - started).toBeLessThan(3000)
    const closed = await startHost(() => {})
    await stop(closed)
    const refused = await outbound.request({
      url: closed.url,
      method: 'GET',
      allowPrivate: true,
      timeoutMs: 3000,
    })
    expect(refused).toMatchObject({
      kind: 'failed',
      errorClass: 'connect_refused',
      code: 'ECONNREFUSED',
    })
  })
})
