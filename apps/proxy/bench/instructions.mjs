// Instructions per request, counted by valgrind's callgrind: unlike requests per second on a
// shared 2-core machine, the count is the same whatever else the machine is doing, so a change
// of a few percent shows. Each build runs under callgrind once; for each kind (small JSON, the
// 200 KB body, SSE) it gets a warm-up (V8 optimises the hot path), then the counters are zeroed,
// N requests are sent one after another, and the counters dumped: their total over N is the cost
// of one request, start-up and warm-up left out. `--model-map` adds a last kind: the 200 KB body
// again after the node was given a `model_map` covering the bench model (docs/contract.md §13).
//
//   node bench/instructions.mjs [--baseline-dist DIR] [--again] [--trace-off] [--model-map] [--requests N]
//     [--warmup N]
//
// Needs `valgrind` (Debian's package) and a built `dist/` (pnpm build).
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeBodies } from './bodies.mjs'
import { freePort, startNode } from './procs.mjs'
import { adminSession, PROXY_KEY, QCC_NODE_FLAGS } from './qcc.mjs'

const argv = process.argv.slice(2)
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def
}
const N = Number(opt('requests', 1000))
const WARMUP = Number(opt('warmup', 1000))
const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const builds = [{ name: 'qcc', cli: here('../dist/cli.js') }]
if (argv.includes('--baseline-dist')) {
  builds.push({ name: 'qcc-before', cli: join(opt('baseline-dist'), 'cli.js') })
}
// --again: the same build a second time, to see how far two runs of one build differ.
if (argv.includes('--again')) builds.push({ name: 'qcc-again', cli: builds[0].cli })
// --trace-off: the same build recording no request trace (docs/contract.md §12): its cost.
if (argv.includes('--trace-off')) {
  builds.push({ name: 'qcc-notrace', cli: builds[0].cli, env: { QCC_BENCH_TRACE: 'off' } })
}

const tmp = mkdtempSync(join(tmpdir(), 'qcc-instr-'))
const bodies = writeBodies(tmp)
const mock = await startNode({ script: here('./mock.mjs') })
const upstreamUrl = `http://127.0.0.1:${mock.port}`

/** One request, read to its end; throws on anything but 200. */
async function send(url, body) {
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': PROXY_KEY },
    body,
  })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${res.status} ${text.slice(0, 200)}`)
}

/** The `summary:` total of the newest callgrind dump of `pid` in `dir`. */
function lastDumpTotal(dir, pid, seen) {
  const files = readdirSync(dir).filter((f) => f.startsWith(`cg.${pid}`) && !seen.has(f))
  files.sort()
  const file = files.at(-1)
  if (!file) throw new Error('no callgrind dump appeared')
  seen.add(file)
  const m = /^summary:\s+(\d+)/m.exec(readFileSync(join(dir, file), 'utf8'))
  if (!m) throw new Error(`no summary in ${file}`)
  return Number(m[1])
}

async function measureBuild(build) {
  const dir = join(tmp, build.name)
  execFileSync('mkdir', ['-p', dir])
  const port = await freePort()
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--smc-check=all-non-file',
      `--callgrind-out-file=${join(dir, 'cg.%p')}`,
      process.execPath,
      ...QCC_NODE_FLAGS,
      // No background compiler or GC threads: their share of the work varies from run to run.
      '--single-threaded',
      build.cli,
      'proxy',
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LISTEN_ADDR: `127.0.0.1:${port}`,
        LOG_LEVEL: 'info',
        UPSTREAM_BASE_URL: upstreamUrl,
        UPSTREAM_API_KEY: 'sk-bench-upstream',
        UPSTREAM_NAME: 'mock-a',
        DEFAULT_PROXY_API_KEY: PROXY_KEY,
        QCC_DATA_DIR: dir,
        PROXY_DRAIN_TIMEOUT_SEC: '2',
        ...build.env,
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  )
  const url = `http://127.0.0.1:${port}`
  const until = Date.now() + 180_000
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${build.name} did not start under valgrind`)
    await new Promise((r) => setTimeout(r, 500))
  }
  // valgrind's pid is the process's own (it runs the program in place).
  const pid = child.pid
  const seen = new Set()
  const result = {}
  const kinds = [
    ['json', bodies.json.buf],
    ['big', bodies.big.buf],
    ['sse', bodies.sse.buf],
  ]
  for (const [kind, body] of kinds) result[kind] = await measureKind(url, pid, dir, seen, body)
  if (argv.includes('--model-map') && build.name === 'qcc') {
    const admin = await adminSession(url)
    const { nodes } = await admin.get('/admin/api/nodes')
    for (const n of nodes) {
      await admin.put(`/admin/api/nodes?id=${encodeURIComponent(n.id)}`, {
        model_map: { 'claude-*': 'mock-mapped-model' },
      })
    }
    result['big mapped'] = await measureKind(url, pid, dir, seen, bodies.big.buf)
  }
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  return result
}

async function measureKind(url, pid, dir, seen, body) {
  for (let i = 0; i < WARMUP; i++) await send(url, body)
  execFileSync('callgrind_control', ['--zero', String(pid)], { stdio: 'ignore' })
  for (let i = 0; i < N; i++) await send(url, body)
  execFileSync('callgrind_control', ['--dump', String(pid)], { stdio: 'ignore' })
  return lastDumpTotal(dir, pid, seen) / N
}

try {
  const results = {}
  for (const build of builds) results[build.name] = await measureBuild(build)
  const kinds = Object.keys(results.qcc)
  console.log(`instructions per request (callgrind, ${N} requests after ${WARMUP} warm-up)`)
  // The ratio is qcc over the second build measured (qcc-before, qcc-again or qcc-notrace).
  const other = builds[1]?.name
  console.log(
    `| kind | ${builds.map((b) => b.name).join(' | ')} |${other ? ` qcc ÷ ${other} |` : ''}`,
  )
  console.log(`|---|${builds.map(() => '---:').join('|')}|${builds.length > 1 ? '---:|' : ''}`)
  for (const kind of kinds) {
    const cells = builds.map((b) => Math.round(results[b.name][kind] ?? NaN).toLocaleString('en'))
    const ratio =
      other !== undefined ? ` ${(results.qcc[kind] / results[other][kind]).toFixed(3)} |` : ''
    console.log(`| ${kind} | ${cells.join(' | ')} |${ratio}`)
  }
  if (results.qcc['big mapped']) {
    const extra = results.qcc['big mapped'] - results.qcc.big
    console.log(
      `model rewrite on the 200 KB body: +${Math.round(extra).toLocaleString('en')} instructions ` +
        `per request (${((extra / results.qcc.big) * 100).toFixed(1)} %)`,
    )
  }
} finally {
  await mock.stop()
  rmSync(tmp, { recursive: true, force: true })
}
