// The hold test: `streams` concurrent slow streams through the proxy for `seconds`, two nodes
// (two mock processes). Counts proxy-caused errors, samples the proxy's RSS, and checks the
// store's usage summary against what the clients received. The `kill` variant SIGKILLs node B's
// mock halfway: new attempts fail over to A before the commit point; streams B was serving are
// cut after it (an upstream failure, counted apart), and their partial usage must still be there.
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { quantile } from './probe.mjs'
import { rssSampler, startNode } from './procs.mjs'
import { PROXY_KEY, adminSession, startQccProxy } from './qcc.mjs'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))

/** Reads what a client received the way core's accumulator does: the latest usage wins. */
function receivedUsage(text) {
  let input = 0
  let output = 0
  for (const m of text.matchAll(/^data: (.*)$/gm)) {
    const line = m[1] ?? ''
    if (!line.includes('"usage"')) continue
    try {
      const j = JSON.parse(line)
      const u = j.type === 'message_start' ? j.message?.usage : j.usage
      if (u?.input_tokens !== undefined) input = u.input_tokens
      if (u?.output_tokens !== undefined) output = u.output_tokens
    } catch {
      // a cut frame: the accumulator skips it too
    }
  }
  return { input, output }
}

function oneStream(agent, port, body, cfg) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/messages',
        headers: {
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
          'content-length': body.length,
          'x-api-key': PROXY_KEY,
          'x-mock-events': String(cfg.events),
          'x-mock-delay-ms': String(cfg.eventDelayMs),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d) => (text += d))
        res.on('end', () => {
          const usage = receivedUsage(text)
          const events = (text.match(/^event: /gm) ?? []).length
          if (
            res.statusCode === 200 &&
            text.includes('event: message_stop') &&
            events === cfg.events + 6
          ) {
            resolve({ kind: 'ok', usage })
          } else if (res.statusCode === 200 && text.includes('event: error')) {
            resolve({ kind: 'cut', usage })
          } else {
            resolve({
              kind: 'error',
              usage,
              why: `status ${res.statusCode}, ${events} events ${res.statusCode === 200 ? '' : text.slice(0, 160)}`.trim(),
            })
          }
        })
        res.on('error', (e) =>
          resolve({ kind: 'error', usage: receivedUsage(text), why: e.message }),
        )
      },
    )
    req.setTimeout(60_000, () => req.destroy(new Error('client timeout')))
    req.on('error', (e) =>
      resolve({ kind: 'error', usage: { input: 0, output: 0 }, why: e.message }),
    )
    req.end(body)
  })
}

/** Runs one phase; `onHalf` fires halfway (the kill variant). */
async function phase(proxy, body, cfg, onHalf) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.streams })
  const t = { ok: 0, cut: 0, error: 0, input: 0, output: 0, sent: 0, why: new Map() }
  const deadline = Date.now() + cfg.seconds * 1000
  const half = onHalf && setTimeout(onHalf, (cfg.seconds * 1000) / 2)
  const rss = rssSampler(proxy.pid, 1000)
  const worker = async () => {
    while (Date.now() < deadline) {
      t.sent++
      const r = await oneStream(agent, proxy.port, body, cfg)
      t[r.kind]++
      t.input += r.usage.input
      t.output += r.usage.output
      if (r.why) t.why.set(r.why, (t.why.get(r.why) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({ length: cfg.streams }, worker))
  clearTimeout(half)
  rss.stop()
  agent.destroy()
  const mibs = rss.samples.map((s) => s.mib)
  const third = Math.floor(mibs.length / 3)
  const avg = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
  return {
    ...t,
    why: Object.fromEntries(t.why),
    rss: {
      // Every 5th sample (5 s apart) for the printed trend.
      series: mibs.filter((_, i) => i % 5 === 0).map((x) => Math.round(x)),
      max: Math.max(...mibs),
      p50: quantile(mibs, 0.5),
      // Flat = the last third is not above the middle third (a leak grows steadily).
      middleThird: third ? avg(mibs.slice(third, 2 * third)) : NaN,
      lastThird: third ? avg(mibs.slice(2 * third)) : NaN,
    },
  }
}

/** The usage summary once the store's batching writer has caught up (no change for 0.75 s). */
async function settledSummary(admin) {
  let last = await admin.usageSummary()
  for (let still = 0, i = 0; still < 3 && i < 40; i++) {
    await new Promise((r) => setTimeout(r, 250))
    const now = await admin.usageSummary()
    still = now.requests === last.requests ? still + 1 : 0
    last = now
  }
  return last
}

async function usageDelta(admin, before, expected) {
  // The store's writer batches: wait for every row, or until the totals stop moving.
  let last = await admin.usageSummary()
  for (
    let i = 0, still = 0;
    i < 40 && last.requests - before.requests < expected && still < 4;
    i++
  ) {
    await new Promise((r) => setTimeout(r, 250))
    const now = await admin.usageSummary()
    still = now.requests === last.requests ? still + 1 : 0
    last = now
  }
  return {
    requests: last.requests - before.requests,
    errors: last.errors - before.errors,
    input: last.input_tokens - before.input_tokens,
    output: last.output_tokens - before.output_tokens,
  }
}

/** The proxy's own in-flight gauge once every client is done: anything but 0 is a leak. */
async function streamsInFlight(url) {
  try {
    const text = await (await fetch(`${url}/metrics`)).text()
    const m = /^qcc_streams_in_flight(?:\{[^}]*\})? (\S+)$/m.exec(text)
    return m ? Number(m[1]) : null
  } catch {
    return null
  }
}

/** Streams a mock has served so far (null once it is dead). */
async function mockStreams(mock) {
  try {
    const r = await fetch(`http://127.0.0.1:${mock.port}/__mock/stats`)
    return (await r.json()).streams
  } catch {
    return null
  }
}

export async function runHold(cfg, pin, tmp, bodies) {
  const [mockA, mockB] = await Promise.all([
    startNode({ script: here('./mock.mjs'), cpu: pin.loadCpu, pin }),
    startNode({ script: here('./mock.mjs'), cpu: pin.loadCpu, pin }),
  ])
  const logFile = `${tmp}/qcc-hold.log`
  const proxy = await startQccProxy({
    upstreamUrl: `http://127.0.0.1:${mockA.port}`,
    pin,
    logFile,
    dataDir: tmp,
    nodeArgs: cfg.proxyArgs,
  })
  const admin = await adminSession(proxy.url)
  const { accounts } = await admin.get('/admin/api/accounts')
  const tenant = accounts.find((a) => a.name === 'default')
  await admin.post(`/admin/api/nodes?account_id=${tenant.id}`, {
    name: 'mock-b',
    base_url: `http://127.0.0.1:${mockB.port}`,
    api_key: 'sk-bench-upstream',
  })
  // The proxy picks up the new node within 2 s: wait until concurrent streams reach node B.
  const agent = new http.Agent({ keepAlive: true })
  for (let i = 0; i < 40 && !(await mockStreams(mockB)); i++) {
    const quick = { ...cfg, eventDelayMs: 10 }
    await Promise.all([1, 2, 3, 4].map(() => oneStream(agent, proxy.port, bodies.sse.buf, quick)))
    await new Promise((r) => setTimeout(r, 100))
  }
  agent.destroy()
  const results = []
  for (const variant of cfg.variants) {
    const before = await settledSummary(admin)
    const seconds = variant === 'kill' ? cfg.killSeconds : cfg.seconds
    const started = Date.now()
    const r = await phase(
      proxy,
      bodies.sse.buf,
      { ...cfg, seconds },
      variant === 'kill' ? () => mockB.stop('SIGKILL') : undefined,
    )
    const usage = await usageDelta(admin, before, r.sent)
    const streamsPerNode = await Promise.all([mockA, mockB].map(mockStreams))
    results.push({
      variant,
      seconds,
      wallSeconds: (Date.now() - started) / 1000,
      ...r,
      usage,
      streamsPerNode,
      inFlight: await streamsInFlight(proxy.url),
    })
  }
  await proxy.stop()
  await Promise.all([mockA.stop(), mockB.stop()])
  return { results, logFile }
}
