// Turns the raw cells of a throughput run into the printed table and the target verdicts.
import { quantile } from './probe.mjs'
import { TESTS } from './throughput.mjs'

const LABEL = {
  json: 'small JSON c=50 req/s',
  big: '200 KB body c=50 req/s',
  sse: 'SSE c=50 streams/s',
}
export const TARGETS = { ratio: 0.7, addedTtfbMs: 1, idleRssMiB: 70 }

const fmt = (x, d = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
    : '–'
const median = (xs) => quantile(xs, 0.5)

/** Medians across runs, ranges, and ratios computed per run (same run = same neighbours). */
export function summarize(result) {
  const { cells } = result
  const peers = [...new Set(cells.map((c) => c.peer))]
  const runs = [...new Set(cells.map((c) => c.run))]
  const get = (peer, test, run) =>
    cells.find((c) => c.peer === peer && c.test === test && c.run === run)
  const perPeer = {}
  for (const peer of peers) {
    perPeer[peer] = {}
    for (const test of TESTS) {
      const xs = runs.map((r) => get(peer, test, r)?.rps ?? NaN)
      const own = cells.filter((c) => c.peer === peer && c.test === test)
      perPeer[peer][test] = {
        rps: median(xs),
        min: Math.min(...xs),
        max: Math.max(...xs),
        cpuUs: median(own.map((c) => c.cpuUsPerReq)),
        errors: own.reduce((a, c) => a + c.errors + c.non2xx + c.timeouts, 0),
        cpu0: median(own.map((c) => c.cpu0)),
        cpu1: median(own.map((c) => c.cpu1)),
      }
    }
  }
  const ratios = {}
  for (const base of peers.filter((p) => p !== 'qcc')) {
    ratios[base] = {}
    for (const test of TESTS) {
      const xs = runs.map(
        (r) => (get('qcc', test, r)?.rps ?? NaN) / (get(base, test, r)?.rps ?? NaN),
      )
      ratios[base][test] = {
        ofMedians: perPeer.qcc[test].rps / perPeer[base][test].rps,
        min: Math.min(...xs),
        max: Math.max(...xs),
      }
    }
  }
  // Other builds or set-ups of qcc (--redis: qcc-redis) against the floor, per run as above.
  const variants = {}
  for (const v of peers.filter((p) => p.startsWith('qcc-') && p !== 'qcc-before')) {
    variants[v] = {}
    for (const test of TESTS) {
      const xs = runs.map(
        (r) => (get(v, test, r)?.rps ?? NaN) / (get('nodepipe', test, r)?.rps ?? NaN),
      )
      variants[v][test] = {
        ofMedians: perPeer[v][test].rps / perPeer.nodepipe[test].rps,
        min: Math.min(...xs),
        max: Math.max(...xs),
      }
    }
  }
  const added = {}
  for (const peer of peers) {
    const t = result.ttfb[peer]
    const d = result.ttfb.direct
    added[peer] = {
      sseP50: t.sse.p50 - d.sse.p50,
      sseP99: t.sse.p99 - d.sse.p99,
      jsonP50: t.json.p50 - d.json.p50,
      jsonP99: t.json.p99 - d.json.p99,
    }
  }
  const checks = [
    ...TESTS.map((test) => ({
      what: `${LABEL[test]}: qcc ÷ nodepipe >= ${TARGETS.ratio}`,
      value: fmt(ratios.nodepipe[test].ofMedians, 2),
      ok: ratios.nodepipe[test].ofMedians >= TARGETS.ratio,
    })),
    {
      what: `added TTFB p50 (stream first byte) <= ${TARGETS.addedTtfbMs} ms`,
      value: `${fmt(added.qcc.sseP50, 3)} ms`,
      ok: added.qcc.sseP50 <= TARGETS.addedTtfbMs,
    },
    {
      what: `added TTFB p50 (JSON first byte) <= ${TARGETS.addedTtfbMs} ms`,
      value: `${fmt(added.qcc.jsonP50, 3)} ms`,
      ok: added.qcc.jsonP50 <= TARGETS.addedTtfbMs,
    },
    {
      what: `qcc idle RSS (quiet ${result.idleQuietSec ?? '?'} s) <= ${TARGETS.idleRssMiB} MiB`,
      value: `${fmt(result.idle.qcc, 1)} MiB`,
      ok: result.idle.qcc <= TARGETS.idleRssMiB,
    },
    {
      what: 'no errors under load',
      value: String(
        peers.reduce((a, p) => a + TESTS.reduce((b, t) => b + perPeer[p][t].errors, 0), 0),
      ),
      ok: peers.every((p) => TESTS.every((t) => perPeer[p][t].errors === 0)),
    },
  ]
  return { peers, perPeer, ratios, variants, added, checks }
}

export function formatReport(result, summary, meta) {
  const { peers, perPeer, ratios, variants = {}, added, checks } = summary
  const L = []
  L.push(
    `qcc proxy bench  ${meta.when}  node ${process.version}  ${meta.cpus} CPUs  load avg ${meta.loadavg}`,
  )
  L.push(
    `${meta.runs} run(s) × ${meta.seconds} s per cell (+${meta.warmupSeconds} s warm-up), c=50, ${meta.generator}; ` +
      `pinned: ${meta.pinned ? 'peers on CPU 1, load + mock on CPU 0' : 'no (taskset missing)'}`,
  )
  L.push(
    `qcc: dist/cli.js proxy, memory mode, auth + selection + usage tap + metrics, LOG_LEVEL=info → ${meta.logFile} (removed after the run unless --keep)`,
  )
  if (meta.limits) {
    L.push(
      `limits: the bench key carries ${JSON.stringify(meta.limits)} (never reached)` +
        (meta.redis
          ? `; qcc-redis counts them in Redis (${meta.redis}), its requests in one session (binding loaded and renewed in Redis) and its events relayed there`
          : ' (in-process counters)'),
    )
  } else if (meta.redis) {
    L.push(
      `qcc-redis: no limits; its requests in one session (binding loaded and renewed in Redis at ${meta.redis}) and its events relayed there`,
    )
  }
  L.push(`big body ${fmt(meta.bigBytes)} B; SSE = 20 text deltas (26 events), no delay`)
  L.push('')
  L.push(
    '| peer | ' +
      TESTS.map((t) => LABEL[t]).join(' | ') +
      ' | CPU µs/req json / big / sse | errors |',
  )
  L.push('|---|---:|---:|---:|---:|---:|')
  for (const p of peers) {
    const cols = TESTS.map((t) => {
      const c = perPeer[p][t]
      return meta.runs > 1 ? `${fmt(c.rps)} (${fmt(c.min)}–${fmt(c.max)})` : fmt(c.rps)
    })
    const cpu = TESTS.map((t) => fmt(perPeer[p][t].cpuUs)).join(' / ')
    const errs = TESTS.reduce((a, t) => a + perPeer[p][t].errors, 0)
    L.push(`| ${p} | ${cols.join(' | ')} | ${cpu} | ${errs} |`)
  }
  for (const [base, r] of Object.entries(ratios)) {
    const cols = TESTS.map((t) =>
      meta.runs > 1
        ? `${fmt(r[t].ofMedians, 2)} (${fmt(r[t].min, 2)}–${fmt(r[t].max, 2)})`
        : fmt(r[t].ofMedians, 2),
    )
    L.push(`| qcc ÷ ${base} | ${cols.join(' | ')} | | |`)
  }
  for (const [v, r] of Object.entries(variants)) {
    const cols = TESTS.map((t) =>
      meta.runs > 1
        ? `${fmt(r[t].ofMedians, 2)} (${fmt(r[t].min, 2)}–${fmt(r[t].max, 2)})`
        : fmt(r[t].ofMedians, 2),
    )
    L.push(`| ${v} ÷ nodepipe | ${cols.join(' | ')} | | |`)
  }
  L.push('')
  L.push(
    `CPU busy during the cells (median): ` +
      peers
        .map(
          (p) =>
            `${p} ` +
            TESTS.map(
              (t) =>
                `${t} cpu0 ${fmt(perPeer[p][t].cpu0 * 100)}% / cpu1 ${fmt(perPeer[p][t].cpu1 * 100)}%`,
            ).join(', '),
        )
        .join('; '),
  )
  L.push('')
  const n = result.ttfb.direct.n
  L.push(
    `Time to first byte, sequential, ${n} requests per target and kind (rounds interleaved), ms:`,
  )
  L.push(
    '| target | stream p50 | stream p99 | added p50 | added p99 | JSON p50 | JSON p99 | added p50 | added p99 | errors |',
  )
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const name of ['direct', ...peers]) {
    const t = result.ttfb[name]
    const a = added[name] ?? { sseP50: 0, sseP99: 0, jsonP50: 0, jsonP99: 0 }
    L.push(
      `| ${name} | ${fmt(t.sse.p50, 3)} | ${fmt(t.sse.p99, 3)} | ${fmt(a.sseP50, 3)} | ${fmt(a.sseP99, 3)} | ` +
        `${fmt(t.json.p50, 3)} | ${fmt(t.json.p99, 3)} | ${fmt(a.jsonP50, 3)} | ${fmt(a.jsonP99, 3)} | ${t.errors} |`,
    )
  }
  L.push('')
  L.push('| RSS MiB | 1 s after start | idle (quiet) | peak under load | after load |')
  L.push('|---|---:|---:|---:|---:|')
  for (const p of peers) {
    L.push(
      `| ${p} | ${fmt(result.started?.[p], 1)} | ${fmt(result.idle[p], 1)} | ${fmt(result.peak[p], 1)} | ${fmt(result.after[p], 1)} |`,
    )
  }
  L.push('')
  L.push('Targets:')
  for (const c of checks) L.push(`  ${c.ok ? 'met    ' : 'NOT MET'}  ${c.what}: ${c.value}`)
  return L.join('\n')
}
