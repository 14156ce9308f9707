// Unloaded latency: sequential requests, one target after the other in each round so drift and
// neighbours' noise hit every target alike. Measures the time to the first body byte of a stream
// (headers plus message_start, which the proxy holds until the first event is whole) and of a
// small JSON answer.
import http from 'node:http'

/** One request; resolves with ms to the first body byte and whether the answer looked right. */
function once(agent, target, body, wantSse) {
  return new Promise((resolve) => {
    const t0 = performance.now()
    let first = NaN
    let text = ''
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port: target.port,
        method: 'POST',
        path: '/v1/messages',
        headers: {
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
          'content-length': body.length,
          ...target.headers,
        },
      },
      (res) => {
        res.setEncoding('utf8')
        res.on('data', (d) => {
          if (Number.isNaN(first)) first = performance.now() - t0
          text += d
        })
        res.on('end', () => {
          const ok =
            res.statusCode === 200 &&
            (wantSse ? text.includes('event: message_stop') : text.includes('"type":"message"'))
          resolve({ ok, ms: first, status: res.statusCode })
        })
      },
    )
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve({ ok: false, ms: NaN, status: 0 }))
    req.end(body)
  })
}

export function quantile(xs, p) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b)
  if (!s.length) return NaN
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]
}

/**
 * `rounds` rounds over every target (first `warmup` rounds discarded). Returns per target
 * { sse: {p50, p99}, json: {p50, p99}, errors }.
 */
export async function probeTtfb(targets, { rounds, warmup, sseBody, jsonBody }) {
  const agents = new Map(
    targets.map((t) => [t.name, new http.Agent({ keepAlive: true, maxSockets: 1 })]),
  )
  const acc = new Map(targets.map((t) => [t.name, { sse: [], json: [], errors: 0 }]))
  for (let i = 0; i < warmup + rounds; i++) {
    // Rotate the order per round: no target always follows the same neighbour.
    for (let k = 0; k < targets.length; k++) {
      const t = targets[(i + k) % targets.length]
      const a = acc.get(t.name)
      for (const [kind, body] of [
        ['sse', sseBody],
        ['json', jsonBody],
      ]) {
        const r = await once(agents.get(t.name), t, body, kind === 'sse')
        if (i < warmup) continue
        if (r.ok) a[kind].push(r.ms)
        else a.errors++
      }
    }
  }
  for (const agent of agents.values()) agent.destroy()
  const out = {}
  for (const [name, a] of acc) {
    out[name] = {
      sse: { p50: quantile(a.sse, 0.5), p99: quantile(a.sse, 0.99) },
      json: { p50: quantile(a.json, 0.5), p99: quantile(a.json, 0.99) },
      errors: a.errors,
      n: a.sse.length,
    }
  }
  return out
}
