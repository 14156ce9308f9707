// Baseline 2, the naive same-stack proxy: Hono + @hono/node-server, global fetch() upstream, bodies
// streamed both ways. No auth, logging, retries or parsing. It matches the "hono" row of
// apps/proxy/bench/README.md. Env: UPSTREAM_URL, PORT (0 = any; printed on stdout).
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const UPSTREAM = (process.env.UPSTREAM_URL ?? 'http://127.0.0.1:9100').replace(/\/$/, '')
// Hop-by-hop headers plus the ones fetch() computes itself.
const HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
]

const app = new Hono()
app.all('*', async (c) => {
  const req = c.req.raw
  const u = new URL(req.url)
  const headers = new Headers(req.headers)
  for (const h of HOP) headers.delete(h)
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  let res
  try {
    res = await fetch(UPSTREAM + u.pathname + u.search, {
      method: req.method,
      headers,
      body: hasBody ? req.body : undefined,
      duplex: 'half',
      redirect: 'manual',
    })
  } catch {
    return c.json({ type: 'error', error: { type: 'api_error', message: 'upstream failed' } }, 502)
  }
  const out = new Headers(res.headers)
  for (const h of HOP) out.delete(h)
  out.delete('content-encoding') // fetch() already decoded the body
  return new Response(res.body, { status: res.status, headers: out })
})

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) =>
  process.stdout.write(`listening ${info.port}\n`),
)
