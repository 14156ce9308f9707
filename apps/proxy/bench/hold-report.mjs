// Prints the hold test's results and verdicts.
const fmt = (x, d = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
    : '–'

export const HOLD_TARGETS = { maxRssMiB: 300 }

/** Verdicts of one phase: no proxy-caused error, RSS bounded and flat, usage exact. */
export function holdChecks(r) {
  const u = r.usage
  return [
    { what: 'proxy-caused errors = 0', value: String(r.error), ok: r.error === 0 },
    {
      what: `RSS max <= ${HOLD_TARGETS.maxRssMiB} MiB`,
      value: `${fmt(r.rss.max, 1)} MiB`,
      ok: r.rss.max <= HOLD_TARGETS.maxRssMiB,
    },
    {
      // 5 % (or 10 MiB) of slack: GC timing moves RSS by that much without any leak.
      what: 'RSS flat (last third <= middle third + max(5 %, 10 MiB))',
      value: `${fmt(r.rss.middleThird, 1)} → ${fmt(r.rss.lastThird, 1)} MiB`,
      // Too short a run to tell (the smoke run): not judged.
      ok: !(r.rss.lastThird > r.rss.middleThird + Math.max(r.rss.middleThird * 0.05, 10)),
    },
    {
      what: 'usage rows = streams sent',
      value: `${u.requests} / ${r.sent}`,
      ok: u.requests === r.sent,
    },
    { what: 'input tokens = received', value: `${u.input} / ${r.input}`, ok: u.input === r.input },
    {
      what: 'output tokens = received',
      value: `${u.output} / ${r.output}`,
      ok: u.output === r.output,
    },
  ]
}

export function formatHold(result, cfg, meta) {
  const L = []
  L.push(
    `qcc hold test  ${meta.when}  node ${process.version}  ${meta.cpus} CPUs  load avg ${meta.loadavg}  ulimit -n ${meta.ulimit}`,
  )
  L.push(
    `${cfg.streams} concurrent streams (${cfg.events} deltas, ${cfg.eventDelayMs} ms apart, ~${fmt(((cfg.events + 6) * cfg.eventDelayMs) / 1000, 1)} s each), ` +
      `two nodes (two mock processes), proxy LOG_LEVEL=info to a file; ` +
      `pinned: ${meta.pinned ? 'proxy CPU 1, clients + mocks CPU 0' : 'no'}`,
  )
  L.push('')
  L.push(
    '| phase | s | streams sent | complete | cut by the dead node | proxy-caused errors | streams/s | streams per node A / B | RSS p50 / max MiB |',
  )
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const r of result.results) {
    const nodes = r.streamsPerNode.map((x) => (x === null ? 'dead' : fmt(x))).join(' / ')
    L.push(
      `| ${r.variant === 'kill' ? 'node B killed at half time' : 'steady'} | ${r.seconds} | ${fmt(r.sent)} | ${fmt(r.ok)} | ${fmt(r.cut)} | ${fmt(r.error)} | ` +
        `${fmt(r.sent / r.wallSeconds, 1)} | ${nodes} | ${fmt(r.rss.p50, 1)} / ${fmt(r.rss.max, 1)} |`,
    )
  }
  for (const r of result.results) {
    L.push('')
    L.push(
      `${r.variant}: usage summary delta = ${JSON.stringify({ requests: r.usage.requests, errors: r.usage.errors, input_tokens: r.usage.input, output_tokens: r.usage.output })}`,
    )
    L.push(
      `  RSS every 5 s (MiB): ${r.rss.series.join(' ')}; qcc_streams_in_flight after: ${r.inFlight ?? 'n/a'}`,
    )
    if (Object.keys(r.why).length) L.push(`  client-side failures: ${JSON.stringify(r.why)}`)
    for (const c of holdChecks(r))
      L.push(`  ${c.ok ? 'met    ' : 'NOT MET'}  ${c.what}: ${c.value}`)
  }
  return L.join('\n')
}
