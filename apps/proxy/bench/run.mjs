// `pnpm bench` entry. Default: the side-by-side throughput / TTFB / RSS table (~2.5 min).
// --quick: a ~30 s smoke run. --smoke: the tiny run the vitest smoke test uses.
// --hold: 1,000 concurrent streams for 60 s, then the node-death variant (see hold.mjs).
// --autocannon: use autocannon even when wrk is installed. --json: also print the raw result as one `BENCH_JSON {...}` line. --verbose: per-cell lines.
// Overrides: --runs N --seconds S --warmup S --probe N --streams N --hold-seconds S.
// --limits: the bench key carries rpm, tpm, concurrency and daily-cost limits (never reached).
// --model-map: also qcc-mapped, its node rewriting every request's model (docs/contract.md §13).
// --trace-off: also qcc-notrace, the same build without the request trace (docs/contract.md §12).
// --redis [URL]: also qcc-redis, the same limits counted in Redis (--no-limits: none).
// --baseline-dist DIR: also measure another qcc build (DIR/cli.js, e.g. before a change) in the
// same run, printed as `qcc-before` with its own ratio row. --no-kill: the hold test without the node-death phase. --tests json,big,sse: a subset. --profile: CPU profile of the proxy into <tmp>/profile (with
// --keep, which also keeps the proxy's log).
// Exits 0 when the bench ran, whether or not the targets were met (the table says which), so a
// missed target never stops the other packages' benches that `turbo run bench` runs after it.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { writeBodies } from './bodies.mjs'
import { formatHold } from './hold-report.mjs'
import { runHold } from './hold.mjs'
import { pinning, stopAll } from './procs.mjs'
import { formatReport, summarize } from './report.mjs'
import { TESTS, runThroughput } from './throughput.mjs'

const argv = process.argv.slice(2)
const flag = (name) => argv.includes(`--${name}`)
const num = (name, def) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : def
}
const preset = flag('smoke') ? 'smoke' : flag('quick') ? 'quick' : 'default'
const P = {
  default: { runs: 3, seconds: 4, warmup: 1, probe: 200, streams: 1000, hold: 60, kill: 30 },
  quick: { runs: 1, seconds: 2, warmup: 0.5, probe: 40, streams: 300, hold: 10, kill: 10 },
  smoke: { runs: 1, seconds: 0.3, warmup: 0, probe: 3, streams: 20, hold: 1, kill: 1.2 },
}[preset]

function hasWrk() {
  try {
    execFileSync('wrk', ['-v'], { stdio: 'ignore' })
    return true
  } catch (err) {
    // wrk -v exits 1 after printing its version; only a missing binary is ENOENT.
    return err.code !== 'ENOENT'
  }
}
// The smoke run measures in process: a few tenths of a second per cell can't pay for a start-up.
const autocannonMode = preset === 'smoke' ? 'autocannon-in-process' : 'autocannon'
const generator = !flag('autocannon') && hasWrk() ? 'wrk' : autocannonMode

// --proxy-args "--max-old-space-size=128": extra node flags for the proxy process only.
const proxyArgs = argv.includes('--proxy-args')
  ? String(argv[argv.indexOf('--proxy-args') + 1])
      .split(' ')
      .filter(Boolean)
  : []

const pin = pinning()
pin.pinSelf()
const tmp = mkdtempSync(join(os.tmpdir(), 'qcc-bench-'))
const bodies = writeBodies(tmp)
const autocannonVersion = JSON.parse(
  readFileSync(new URL('../node_modules/autocannon/package.json', import.meta.url), 'utf8'),
).version
const meta = {
  when: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  cpus: os.cpus().length,
  loadavg: os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' '),
  pinned: pin.on,
  generator: generator === 'wrk' ? 'wrk 4' : `${generator} ${autocannonVersion}`,
  bigBytes: bodies.big.buf.length,
}

try {
  if (flag('hold')) {
    const cfg = {
      streams: num('streams', P.streams),
      seconds: num('hold-seconds', P.hold),
      killSeconds: num('kill-seconds', P.kill),
      events: 20,
      eventDelayMs: preset === 'smoke' ? 20 : 200,
      proxyArgs,
      variants: flag('no-kill') ? ['steady'] : ['steady', 'kill'],
    }
    const ulimit = Number(execFileSync('/bin/sh', ['-c', 'ulimit -n']).toString())
    if (ulimit < cfg.streams * 3 + 100) {
      throw new Error(
        `ulimit -n is ${ulimit}; ${cfg.streams} streams need ~${cfg.streams * 3 + 100}`,
      )
    }
    const result = await runHold(cfg, pin, tmp, bodies)
    console.log(formatHold(result, cfg, { ...meta, ulimit }))
    if (flag('json')) console.log('BENCH_JSON ' + JSON.stringify(result))
  } else {
    const cfg = {
      runs: num('runs', P.runs),
      seconds: num('seconds', P.seconds),
      warmupSeconds: num('warmup', P.warmup),
      probeRounds: num('probe', P.probe),
      probeWarmup: Math.min(10, num('probe', P.probe)),
      verbose: flag('verbose'),
      baselineCli: argv.includes('--baseline-dist')
        ? join(String(argv[argv.indexOf('--baseline-dist') + 1]), 'cli.js')
        : undefined,
      generator,
      amount: preset === 'smoke' && generator !== 'wrk' ? 100 : undefined,
      tests: argv.includes('--tests')
        ? String(argv[argv.indexOf('--tests') + 1]).split(',')
        : TESTS,
      proxyArgs,
      // --limits: the bench key carries every counted limit kind, set far above what the run
      // reaches, so the cells measure the cost of counting, never a refusal. --redis [URL]: also
      // the peer qcc-redis, counting the same limits in Redis (its own key prefix).
      // --no-limits: qcc-redis shares only what the replicas share (sessions, events).
      limits:
        (flag('limits') || flag('redis')) && !flag('no-limits')
          ? {
              rpm: 100_000_000,
              tpm: 1_000_000_000_000,
              concurrency: 100_000,
              cost_daily_usd: 1_000_000,
            }
          : undefined,
      redis: flag('redis')
        ? argv[argv.indexOf('--redis') + 1]?.startsWith('redis')
          ? argv[argv.indexOf('--redis') + 1]
          : 'redis://127.0.0.1:6379'
        : undefined,
      // --model-map: also the peer qcc-mapped, whose node maps the bench model to another id
      // (docs/contract.md §13), so every request's body is rewritten: the cost of a rewrite.
      modelMap: flag('model-map'),
      // --trace-off: also the peer qcc-notrace, the same build recording no request trace
      // (QCC_BENCH_TRACE=off, docs/contract.md §12): `qcc ÷ qcc-notrace` is the trace's cost.
      traceOff: flag('trace-off'),
      profileDir: flag('profile') ? join(tmp, 'profile') : undefined,
      // Pause before the idle RSS sample; three times that before the after-load sample.
      settleMs: preset === 'smoke' ? 100 : 1000,
      idleQuietMs: preset === 'smoke' ? 100 : num('idle-quiet', 15) * 1000,
    }
    const result = await runThroughput(cfg, pin, tmp, bodies)
    const summary = summarize(result)
    console.log(formatReport(result, summary, { ...meta, ...cfg, logFile: result.logFile }))
    if (flag('json')) console.log('BENCH_JSON ' + JSON.stringify({ ...result, summary }))
  }
} finally {
  stopAll()
  // The proxy log stays for a look when asked; otherwise nothing is left behind.
  if (!flag('keep')) rmSync(tmp, { recursive: true, force: true })
}
