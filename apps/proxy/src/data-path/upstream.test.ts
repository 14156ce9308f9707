import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { ADDRESS_REFUSED_CODE } from '@qcc/core'
import { serve } from '../../test/data-path-fakes'
import { upstreamAddressPolicy } from '../outbound/address-check'
import { Cancellation } from './cancellation'
import {
  BODY_TIMEOUT,
  createUpstreamClient,
  HEADERS_TIMEOUT,
  type UpstreamClient,
  type UpstreamRequest,
} from './upstream'

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

/** A node at 127.0.0.1 answering with `answer`, and a client with the production policy. */
async function node(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers'] }> = []
  const server = await serve((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers })
    req.resume()
    req.on('end', () => answer(req, res))
  })
  const client: UpstreamClient = createUpstreamClient({
    connectTimeoutMs: 1000,
    idleTimeoutMs: 50,
    addressPolicy: upstreamAddressPolicy,
  })
  cleanup.push(server.close, () => client.close())
  return { url: server.url, seen, client }
}

const send = (client: UpstreamClient, req: Partial<UpstreamRequest> & { baseUrl: string }) =>
  client.send({
    path: '/v1/messages',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from('{}'),
    cancel: new Cancellation(),
    headersTimeoutMs: 1000,
    allowPrivate: true,
    ...req,
  })

const read = async (body: NodeJS.ReadableStream) => {
  let text = ''
  for await (const chunk of body) text += String(chunk)
  return text
}

describe('createUpstreamClient', () => {
  it("joins the base URL's path to the request's and sends it as given", async () => {
    const n = await node((_req, res) => res.end('{"ok":true}'))
    const res = await send(n.client, {
      baseUrl: `${n.url}/relay/`,
      path: '/v1/messages?beta=true',
      headers: { 'x-api-key': 'sk-ant-node' },
    })
    expect(res.statusCode).toBe(200)
    expect(await read(res.body)).toBe('{"ok":true}')
    expect(n.seen[0]).toMatchObject({ method: 'POST', url: '/relay/v1/messages?beta=true' })
    expect(n.seen[0]?.headers['x-api-key']).toBe('sk-ant-node')
  })

  it('refuses a loopback literal unless the node may use private addresses, without connecting', async () => {
    const n = await node((_req, res) => res.end())
    const err = await send(n.client, { baseUrl: n.url, allowPrivate: false }).catch((e) => e)
    expect((err as { code?: string }).code).toBe(ADDRESS_REFUSED_CODE)
    expect(n.seen).toEqual([])
    expect((await send(n.client, { baseUrl: n.url, allowPrivate: true })).statusCode).toBe(200)
  })

  it('names a late status line and a silent body by their timeout codes', async () => {
    const late = await node(() => {})
    const err = await send(late.client, { baseUrl: late.url, headersTimeoutMs: 30 }).catch((e) => e)
    expect((err as { code?: string }).code).toBe(HEADERS_TIMEOUT)
    const silent = await node((_req, res) => res.writeHead(200).flushHeaders())
    const res = await send(silent.client, { baseUrl: silent.url })
    const bodyErr = await read(res.body).catch((e) => e)
    expect((bodyErr as { code?: string }).code).toBe(BODY_TIMEOUT)
  })

  it('cancels the call when the client goes away', async () => {
    let reached: () => void = () => {}
    const arrived = new Promise<void>((resolve) => (reached = resolve))
    let closed: () => void = () => {}
    const gone = new Promise<void>((resolve) => (closed = resolve))
    const n = await node((_req, res) => {
      res.on('close', closed)
      reached()
    })
    const cancel = new Cancellation()
    const sending = send(n.client, { baseUrl: n.url, cancel }).catch((e) => e)
    await arrived
    cancel.abort()
    await gone
    expect(await sending).toBeInstanceOf(Error)
  })
})
