// Baseline 1, the floor for any Node proxy: a node:http server piping to a node:http client with a
// keep-alive agent. No framework, no Web streams, no fetch(), no parsing. After
// shared/bench/node-passthrough.mjs. Env: UPSTREAM_URL, PORT (0 = any; printed on stdout).
import http from 'node:http'

const up = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:9100')
const agent = new http.Agent({
  keepAlive: true,
  maxSockets: 2048,
  maxFreeSockets: 2048,
  scheduling: 'lifo',
})
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
])

function strip(headers) {
  const out = {}
  for (const k in headers) if (!HOP.has(k)) out[k] = headers[k]
  return out
}

const server = http.createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) => {
  const headers = strip(req.headers)
  headers.host = up.host
  const preq = http.request(
    { agent, host: up.hostname, port: up.port, method: req.method, path: req.url, headers },
    (pres) => {
      res.writeHead(pres.statusCode ?? 502, strip(pres.headers))
      pres.pipe(res)
      pres.on('error', () => res.destroy())
    },
  )
  preq.on('error', () => {
    if (!res.headersSent) res.writeHead(502).end()
    else res.destroy()
  })
  res.on('close', () => {
    if (!res.writableFinished) preq.destroy()
  })
  req.pipe(preq)
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  process.stdout.write(`listening ${server.address().port}\n`),
)
