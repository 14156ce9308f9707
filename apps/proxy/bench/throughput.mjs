// The side-by-side measurement: the proxy and two baselines behind the same mock, three load
// tests each, runs interleaved (peer order rotated per run), then sequential TTFB probes.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { measure } from './load.mjs'
import { probeTtfb } from './probe.mjs'
import { cpuSeconds, rssMiB, rssSampler, startNode } from './procs.mjs'
import { PROXY_KEY, adminSession, startQccProxy } from './qcc.mjs'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
export const TESTS = ['json', 'big', 'sse']

/** Busy jiffies per CPU from /proc/stat (to show whether the load side or the peer saturated). */
function cpuTimes() {
  const out = {}
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+) (.*)$/.exec(line)
    if (!m) continue
    const v = m[2].trim().split(/\s+/).map(Number)
    const idle = (v[3] ?? 0) + (v[4] ?? 0)
    out[m[1]] = { busy: v.reduce((a, b) => a + b, 0) - idle, total: v.reduce((a, b) => a + b, 0) }
  }
  return out
}
const busyShare = (a, b, cpu) =>
  a[cpu] && b[cpu] ? (b[cpu].busy - a[cpu].busy) / Math.max(1, b[cpu].total - a[cpu].total) : NaN

const run = promisify(execFile)
const pinned = (pin, cmd, args) =>
  pin.on ? ['taskset', ['-c', pin.loadCpu, cmd, ...args]] : [cmd, args]

/**
 * One load run on the load CPU: wrk when installed (it needs a fraction of autocannon's CPU, so
 * the load side of the shared core saturates later), else autocannon in its own process.
 */
async function runLoad(pin, opts, tmp, generator) {
  if (generator === 'wrk') {
    const out = join(tmp, 'wrk.json')
    const headers = Object.entries(opts.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('|')
    // wrk takes whole seconds only.
    const args = [
      '-t1',
      `-c${opts.connections}`,
      `-d${Math.max(1, Math.round(opts.seconds))}s`,
      '--timeout',
      '10s',
      '-s',
      here('./wrk-post.lua'),
      opts.url,
    ]
    const [cmd, argv] = pinned(pin, 'wrk', args)
    await run(cmd, argv, {
      env: { ...process.env, BODY_FILE: opts.bodyFile, HEADERS: headers, OUT_JSON: out },
    })
    return JSON.parse(readFileSync(out, 'utf8'))
  }
  if (generator === 'autocannon-in-process') return measure(opts)
  const [cmd, argv] = pinned(pin, process.execPath, [here('./load.mjs'), JSON.stringify(opts)])
  const { stdout } = await run(cmd, argv, { encoding: 'utf8' })
  return JSON.parse(stdout.trim().split('\n').pop())
}

/** Checks a peer answers JSON, the big body and a whole stream before it is measured. */
async function check(peer, bodies) {
  for (const [body, want] of [
    [bodies.json.buf, '"type":"message"'],
    [bodies.big.buf, '"type":"message"'],
    [bodies.sse.buf, 'event: message_stop'],
  ]) {
    const res = await fetch(`http://127.0.0.1:${peer.port}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...peer.headers },
      body,
    })
    const text = await res.text()
    if (res.status !== 200 || !text.includes(want)) {
      throw new Error(`${peer.name} failed its check: ${res.status} ${text.slice(0, 200)}`)
    }
  }
}

/** Puts `limits` on the bench key (found by its prefix) through the admin API. */
async function limitBenchKey(url, limits) {
  const admin = await adminSession(url)
  // The bench key is the default account's (an admin lists its own keys unless it names one).
  const { accounts } = await admin.get('/admin/api/accounts')
  const owner = accounts.find((a) => a.name === 'default')
  if (!owner) throw new Error('the default account is not listed by GET /admin/api/accounts')
  const { keys } = await admin.get(`/admin/api/keys?account_id=${encodeURIComponent(owner.id)}`)
  const key = keys.find((k) => !k.revoked_at && PROXY_KEY.startsWith(k.prefix))
  if (!key) throw new Error('the bench key is not listed by GET /admin/api/keys')
  await admin.put(`/admin/api/keys?id=${encodeURIComponent(key.id)}`, { limits })
}

/** Gives every node of the default account a `model_map` covering the bench model. */
async function mapBenchNodes(url) {
  const admin = await adminSession(url)
  const { nodes } = await admin.get('/admin/api/nodes')
  for (const n of nodes) {
    await admin.put(`/admin/api/nodes?id=${encodeURIComponent(n.id)}`, {
      model_map: { 'claude-*': 'mock-mapped-model' },
    })
  }
}

export async function runThroughput(cfg, pin, tmp, bodies) {
  const mock = await startNode({ script: here('./mock.mjs'), cpu: pin.loadCpu, pin })
  const upstreamUrl = `http://127.0.0.1:${mock.port}`
  const env = { UPSTREAM_URL: upstreamUrl }
  const peerCpu = pin.peerCpu
  const logFile = join(tmp, 'qcc.log')
  // --profile: a V8 CPU profile of the proxy, written when it stops (open it in Chrome DevTools).
  const nodeArgs = [
    ...cfg.proxyArgs,
    ...(cfg.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${cfg.profileDir}`] : []),
  ]
  const [nodepipe, hono, qcc, before, withRedis, mapped, untraced] = await Promise.all([
    startNode({ script: here('./peers/nodepipe.mjs'), env, cpu: peerCpu, pin }),
    startNode({ script: here('./peers/hono-pipe.mjs'), env, cpu: peerCpu, pin }),
    startQccProxy({ upstreamUrl, pin, logFile, dataDir: tmp, nodeArgs }),
    // --baseline-dist: another build of qcc (say, before a change) measured in the same run.
    cfg.baselineCli
      ? startQccProxy({
          upstreamUrl,
          pin,
          logFile: join(tmp, 'qcc-before.log'),
          dataDir: join(tmp, 'before'),
          nodeArgs,
          cli: cfg.baselineCli,
        })
      : undefined,
    cfg.redis
      ? startQccProxy({
          upstreamUrl,
          pin,
          logFile: join(tmp, 'qcc-redis.log'),
          dataDir: join(tmp, 'redis'),
          nodeArgs,
          env: {
            PROXY_REDIS_URL: cfg.redis,
            PROXY_REDIS_PREFIX: `qcc-bench-${process.pid}-${Date.now()}:`,
          },
        })
      : undefined,
    cfg.modelMap
      ? startQccProxy({
          upstreamUrl,
          pin,
          logFile: join(tmp, 'qcc-mapped.log'),
          dataDir: join(tmp, 'mapped'),
          nodeArgs,
        })
      : undefined,
    // --trace-off: the same build without the request trace (docs/contract.md §12), to price it.
    cfg.traceOff
      ? startQccProxy({
          upstreamUrl,
          pin,
          logFile: join(tmp, 'qcc-notrace.log'),
          dataDir: join(tmp, 'notrace'),
          nodeArgs,
          env: { QCC_BENCH_TRACE: 'off' },
        })
      : undefined,
  ])
  if (mapped) await mapBenchNodes(mapped.url)
  if (cfg.limits) {
    for (const p of [qcc, withRedis].filter(Boolean)) await limitBenchKey(p.url, cfg.limits)
  }
  const anyKey = { 'x-api-key': 'sk-bench' }
  const qccKey = { 'x-api-key': PROXY_KEY }
  const peers = [
    { name: 'nodepipe', port: nodepipe.port, pid: nodepipe.pid, headers: anyKey },
    { name: 'hono', port: hono.port, pid: hono.pid, headers: anyKey },
    { name: 'qcc', port: qcc.port, pid: qcc.pid, headers: qccKey },
    ...(before
      ? [{ name: 'qcc-before', port: before.port, pid: before.pid, headers: qccKey }]
      : []),
    ...(withRedis
      ? [
          {
            name: 'qcc-redis',
            port: withRedis.port,
            pid: withRedis.pid,
            // One Claude Code session for all its requests: each loads its binding from Redis and
            // renews it there (docs/contract.md §11), beside the limits and the event relay.
            headers: { ...qccKey, 'x-claude-code-session-id': 'bench-redis-session' },
          },
        ]
      : []),
    ...(mapped
      ? [{ name: 'qcc-mapped', port: mapped.port, pid: mapped.pid, headers: qccKey }]
      : []),
    ...(untraced
      ? [{ name: 'qcc-notrace', port: untraced.port, pid: untraced.pid, headers: qccKey }]
      : []),
  ]
  for (const p of peers) await check(p, bodies)
  await new Promise((r) => setTimeout(r, cfg.settleMs))
  const started = Object.fromEntries(peers.map((p) => [p.name, rssMiB(p.pid)]))
  // Idle means quiet long enough for V8's memory reducer to give back the young generation that
  // start-up grew (it runs about 8 s after activity stops); 1 s after start it has not yet.
  await new Promise((r) => setTimeout(r, Math.max(0, cfg.idleQuietMs - cfg.settleMs)))
  const idle = Object.fromEntries(peers.map((p) => [p.name, rssMiB(p.pid)]))
  const samplers = Object.fromEntries(peers.map((p) => [p.name, rssSampler(p.pid)]))

  const cells = [] // { run, test, peer, rps, ... }
  for (let run = 0; run < cfg.runs; run++) {
    for (const test of cfg.tests) {
      for (let k = 0; k < peers.length; k++) {
        const peer = peers[(run + k) % peers.length]
        const load = {
          url: `http://127.0.0.1:${peer.port}/v1/messages`,
          headers: peer.headers,
          bodyFile: bodies[test].path,
          connections: 50,
          amount: cfg.amount,
        }
        // Warm-up in its own run so the CPU count below covers the measured requests only.
        if (cfg.warmupSeconds > 0) {
          await runLoad(pin, { ...load, seconds: cfg.warmupSeconds }, tmp, cfg.generator)
        }
        const c0 = cpuSeconds(peer.pid)
        const t0 = cpuTimes()
        const r = await runLoad(pin, { ...load, seconds: cfg.seconds }, tmp, cfg.generator)
        const t1 = cpuTimes()
        const cpuUs = ((cpuSeconds(peer.pid) - c0) * 1e6) / Math.max(1, r.requests)
        cells.push({
          run,
          test,
          peer: peer.name,
          ...r,
          cpuUsPerReq: cpuUs,
          cpu0: busyShare(t0, t1, '0'),
          cpu1: busyShare(t0, t1, '1'),
        })
        if (cfg.verbose) {
          const c = cells.at(-1)
          process.stderr.write(
            `  run ${run + 1} ${test} ${peer.name}: ${c.rps.toFixed(0)}/s errors=${c.errors + c.non2xx + c.timeouts} ` +
              `cpu0=${(c.cpu0 * 100).toFixed(0)}% cpu1=${(c.cpu1 * 100).toFixed(0)}%\n`,
          )
        }
      }
    }
  }
  for (const s of Object.values(samplers)) s.stop()
  const peak = Object.fromEntries(peers.map((p) => [p.name, samplers[p.name].peak()]))

  const direct = { name: 'direct', port: mock.port, headers: anyKey }
  const ttfb = await probeTtfb([direct, ...peers], {
    rounds: cfg.probeRounds,
    warmup: cfg.probeWarmup,
    sseBody: bodies.sse.buf,
    jsonBody: bodies.json.buf,
  })
  await new Promise((r) => setTimeout(r, cfg.settleMs * 3))
  const after = Object.fromEntries(peers.map((p) => [p.name, rssMiB(p.pid)]))
  await Promise.all([qcc.stop(), before?.stop(), nodepipe.stop(), hono.stop(), mock.stop()])
  return { cells, started, idle, idleQuietSec: cfg.idleQuietMs / 1000, peak, after, ttfb, logFile }
}
