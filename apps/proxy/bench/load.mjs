// One autocannon measurement. Run as its own process (pinned to the load CPU by the parent) so
// the orchestrator's timers and sampling never compete with the load generator; the smoke run
// calls `measure` in process to skip the process start-up.
// CLI: argv[2] = JSON { url, headers, bodyFile, connections, seconds }; prints one JSON line
// { rps, requests, non2xx, errors, timeouts, p50Ms, p99Ms, seconds }.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import autocannon from 'autocannon'

export async function measure(opts) {
  const r = await autocannon({
    url: opts.url,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      ...opts.headers,
    },
    body: readFileSync(opts.bodyFile),
    connections: opts.connections,
    timeout: 10,
    // A fixed count ends sooner than autocannon's whole-second sampling allows (smoke run).
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds }),
  })
  // autocannon counts 1xx-5xx in `requests`; only 2xx are work done.
  const ok = r['2xx']
  return {
    rps: ok / r.duration,
    requests: ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    seconds: r.duration,
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await measure(JSON.parse(process.argv[2] ?? '{}'))
  process.stdout.write(JSON.stringify(result) + '\n')
}
