// Import benchmark (docs/contract.md §14): generates a large qcc_plus MySQL database, runs
// `dist/cli.js import qcc-plus --from <it> --with-history` into an empty qcc database and prints
// rows read, wall time and the importer's peak RSS against the target (≤ 120 s, < 300 MiB).
//   node bench/qcc-plus-import.mjs [--accounts 1000] [--nodes 5000] [--metrics 1000000]
//     [--server mysql://root@127.0.0.1:3306] [--keep] [--timeout 900] [--cli dist/cli.js]
// --metrics rows in total: ~60% node_metrics_raw (last 7 days, one row per attempt), ~30%
// node_metrics_hourly (the 30 days before), ~10% node_metrics_daily (the year before); plus
// 50,000 health_check_history and 100,000 usage_logs rows. --keep keeps both databases.
// Exit code: the importer's (1 when it could not run, e.g. dist/cli.js missing).
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import mysql from 'mysql2/promise'
import { processTree } from './proc-tree.mjs'

const argv = process.argv.slice(2)
const flag = (name) => argv.includes(`--${name}`)
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def
}
const int = (name, def) => {
  const n = Number(opt(name, def))
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a whole number, got ${n}`)
  return n
}
const ACCOUNTS = Math.max(1, int('accounts', 1000))
const NODES = Math.max(1, int('nodes', 5000))
const METRICS = int('metrics', 1_000_000)
const HEALTH_ROWS = 50_000
const USAGE_ROWS = 100_000
const TIMEOUT_S = int('timeout', 900)
const SERVER = String(opt('server', 'mysql://root@127.0.0.1:3306')).replace(/\/+$/, '')
const KEEP = flag('keep')
const BATCH = 2000

// --cli PATH: another build's cli.js (default this package's dist/cli.js).
const CLI = String(opt('cli', fileURLToPath(new URL('../dist/cli.js', import.meta.url))))
const SCHEMA = fileURLToPath(new URL('../test/fixtures/qcc-plus/schema.mysql.sql', import.meta.url))
const HOUR = 3_600_000
const DAY = 24 * HOUR
const NOW = Math.floor(Date.now() / 1000) * 1000
const hex = (n) => randomBytes(n).toString('hex')
const ts = (ms) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ')
const secs = (ms) => (ms / 1000).toFixed(1)

// Deterministic per run, cheap: a linear congruential generator (Math.random is fine too, but
// this keeps a --keep'd database reproducible from its seed).
let seed = 0x2f6e2b1
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
const pick = (n) => Math.floor(rand() * n)

const accountOf = (node) => `acc-${node % ACCOUNTS}`

/** Inserts `count` rows made by `row(i)` (columns space-separated) in multi-row INSERTs. */
async function fill(conn, table, cols, count, row) {
  const list = cols.split(' ').map((c) => `\`${c}\``)
  const sql = `INSERT INTO \`${table}\` (${list.join(', ')}) VALUES ?`
  for (let start = 0; start < count; start += BATCH) {
    const rows = []
    for (let i = start; i < Math.min(count, start + BATCH); i++) rows.push(row(i))
    await conn.query(sql, [rows])
  }
  return count
}

const METRIC_COLS =
  'requests_total requests_success requests_failed retry_attempts_total retry_success ' +
  'response_time_sum_ms response_time_count bytes_total input_tokens_total ' +
  'output_tokens_total first_byte_time_sum_ms stream_duration_sum_ms'
/** Consistent counters for `requests` attempts (success + failed = total, retry_success ≤ retries). */
function counters(requests) {
  const failed = rand() < 0.05 ? Math.max(1, Math.floor(requests * 0.05)) : 0
  const ok = requests - failed
  const retried = [failed, Math.floor(failed / 2)]
  const rt = requests * (800 + pick(2500))
  const tokens = [ok * (500 + pick(3000)), ok * (100 + pick(600))]
  const tail = [Math.floor(rt / 3), ok * (700 + pick(2000))]
  return [
    requests,
    ok,
    failed,
    ...retried,
    rt,
    requests,
    ok * 4000 + pick(4000),
    ...tokens,
    ...tail,
  ]
}

/**
 * `count` distinct (node, bucket) rows over `buckets` buckets of `step` ms ending at `end`:
 * each node gets count/NODES rows spread evenly over its buckets (the table's key is unique).
 */
function bucketRows(count, buckets, step, end) {
  const perNode = Math.ceil(count / NODES)
  if (perNode > buckets) {
    throw new Error(`${count} rows need more than ${buckets} buckets per node: raise --nodes`)
  }
  const first = Math.floor((end - buckets * step) / step) * step
  return (i) => {
    const node = i % NODES
    const bucket = first + Math.floor((Math.floor(i / NODES) * buckets) / perNode) * step
    return [accountOf(node), `node-${node}`, ts(bucket), ...counters(1 + pick(60))]
  }
}

// qcc_plus's seeded system settings and prices, as test/fixtures/qcc-plus/rows.sql has them
// (docs/contract.md §14.1 names the ones the import compares).
const SEEDED_SETTINGS = [
  ['monitor.refresh_interval_ms', '30000'],
  ['monitor.error_display', '"icon"'],
  ['monitor.show_node_stats', '{"showProxy":true,"showHealth":true}'],
  ['monitor.hide_disabled_nodes', 'true'],
  ['health.check_interval_sec', '30'],
  ['health.fail_threshold', '3'],
  ['health.skip_disabled_nodes', 'true'],
  ['proxy.retry_max', '3'],
]
const SEEDED_PRICES = (
  'claude-opus-4-5-20251101:5:25 claude-sonnet-4-5-20250929:3:15 claude-haiku-4-5-20251001:1:5 ' +
  'claude-opus-4-20250514:15:75 claude-sonnet-4-20250514:3:15 claude-3-5-sonnet-20241022:3:15 ' +
  'claude-3-5-haiku-20241022:0.8:4 claude-3-opus-20240229:15:75 claude-3-sonnet-20240229:3:15 ' +
  'claude-3-haiku-20240307:0.25:1.25'
)
  .split(' ')
  .map((p) => p.split(':'))
const uuid = () => `${hex(4)}-${hex(2)}-4${hex(2).slice(1)}-8${hex(2).slice(1)}-${hex(6)}`
const pickNode = () => {
  const node = pick(NODES)
  return [accountOf(node), `node-${node}`]
}
/** A second within the last `days` days, as DATETIME text. */
const within = (days) => ts(NOW - 1000 - pick(days * DAY)).slice(0, 19)

async function generate(conn, db) {
  await conn.query(`CREATE DATABASE \`${db}\``)
  await conn.query(`USE \`${db}\``)
  const schema = readFileSync(SCHEMA, 'utf8').split(/;\s*\n/)
  for (const stmt of schema) if (stmt.replace(/^--.*$/gm, '').trim()) await conn.query(stmt)
  const raw = Math.round(METRICS * 0.6)
  const hourly = Math.round(METRICS * 0.3)
  const daily = METRICS - raw - hourly
  const created = ts(NOW - 400 * DAY)
  const rows = {}
  const cols = 'id name password proxy_api_key is_admin created_at'
  rows.accounts = await fill(conn, 'accounts', cols, ACCOUNTS, (i) => {
    const secrets = [`pass-${i}-${hex(4)}`, `sk-qccplus-bench-${i}-${hex(8)}`]
    return [`acc-${i}`, `bench-${i}`, ...secrets, i === 0 ? 1 : 0, created]
  })
  const configCols = 'account_id retries fail_limit health_every_ms active_node'
  rows.config = await fill(conn, 'config', configCols, ACCOUNTS, (i) => {
    const every = i % 4 === 0 ? 60000 : 30000
    return [`acc-${i}`, 3 + (i % 3), 3, every, i < NODES ? `node-${i}` : null]
  })
  const nodeCols =
    'id name base_url api_key health_check_method account_id weight failed disabled created_at'
  rows.nodes = await fill(conn, 'nodes', nodeCols, NODES, (i) => {
    const upstream = ['http://127.0.0.1:1/', `sk-ant-api03-bench-${i}-${hex(12)}`]
    const state = [1 + (i % 3), i % 50 === 7 ? 1 : 0, i % 40 === 3 ? 1 : 0]
    const method = i % 10 === 9 ? 'cli' : 'api'
    return [`node-${i}`, `upstream-${i}`, ...upstream, method, accountOf(i), ...state, created]
  })
  rows.settings = await fill(conn, 'settings', 'key scope value', SEEDED_SETTINGS.length, (i) => {
    const [key, value] = SEEDED_SETTINGS[i]
    return [key, 'system', value]
  })
  const priceCols = 'id model_id model_name input_price_mtok output_price_mtok'
  rows.model_pricing = await fill(conn, 'model_pricing', priceCols, SEEDED_PRICES.length, (i) => {
    const [model, input, output] = SEEDED_PRICES[i]
    return [uuid(), model, model, Number(input), Number(output)]
  })
  const rawCols = `account_id node_id ts ${METRIC_COLS}`
  rows.node_metrics_raw = await fill(conn, 'node_metrics_raw', rawCols, raw, () => {
    return [...pickNode(), within(7), ...counters(1)]
  })
  const keyed = `account_id node_id bucket_start ${METRIC_COLS}`
  const hourlyRow = bucketRows(hourly, 30 * 24, HOUR, NOW - 7 * DAY)
  rows.node_metrics_hourly = await fill(conn, 'node_metrics_hourly', keyed, hourly, hourlyRow)
  const dailyRow = bucketRows(daily, 365, DAY, NOW - 37 * DAY)
  rows.node_metrics_daily = await fill(conn, 'node_metrics_daily', keyed, daily, dailyRow)
  const healthCols =
    'account_id node_id check_time success response_time_ms error_message check_method check_source'
  const hch = 'health_check_history'
  rows[hch] = await fill(conn, hch, healthCols, HEALTH_ROWS, () => {
    const ok = rand() > 0.03
    const how = [rand() < 0.8 ? 'api' : 'head', rand() < 0.9 ? 'scheduled' : 'manual']
    const at = ts(NOW - pick(30 * DAY))
    return [...pickNode(), at, ok ? 1 : 0, 200 + pick(2000), ok ? null : 'upstream 502', ...how]
  })
  const usageCols =
    'account_id node_id model_id input_tokens output_tokens cost_usd request_id success created_at'
  rows.usage_logs = await fill(conn, 'usage_logs', usageCols, USAGE_ROWS, (i) => {
    const [input, output] = [200 + pick(8000), 50 + pick(1500)]
    const cost = ((input * 3 + output * 15) / 1e6).toFixed(8)
    const request = i % 10 === 0 ? null : `req_bench_${i}`
    const model = 'claude-sonnet-4-5-20250929'
    return [...pickNode(), model, input, output, cost, request, rand() > 0.02 ? 1 : 0, within(7)]
  })
  return rows
}

/** Runs the importer; wall time and the peak RSS polled from /proc every 200 ms. */
function runImport(source, dest) {
  return new Promise((resolve) => {
    const started = performance.now()
    const env = {
      ...process.env,
      PROXY_MYSQL_DSN: `${SERVER}/${dest}`,
      QCC_SECRET_KEY: hex(32),
      LOG_LEVEL: 'warn',
    }
    const child = spawn(
      process.execPath,
      [CLI, 'import', 'qcc-plus', '--from', source, '--with-history'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    // `qcc import` runs the work in a child with a bounded heap: the peak is the whole tree's
    // resident memory (summed VmRSS), and at least the largest process's own high-water mark.
    let peakKiB = 0
    const sample = () => {
      let sum = 0
      for (const pid of processTree(child.pid)) {
        try {
          const status = readFileSync(`/proc/${pid}/status`, 'utf8')
          const field = (name) =>
            Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0)
          sum += field('VmRSS')
          peakKiB = Math.max(peakKiB, field('VmHWM'))
        } catch {
          // exited between two samples: the last sample stands
        }
      }
      peakKiB = Math.max(peakKiB, sum)
    }
    const poll = setInterval(sample, 200)
    const killer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_S * 1000)
    child.on('error', (err) => (stderr += String(err)))
    child.on('close', (code, signal) => {
      clearInterval(poll)
      clearTimeout(killer)
      const wallS = (performance.now() - started) / 1000
      resolve({ code: code ?? 1, signal, stdout, stderr, wallS, peakMiB: peakKiB / 1024 })
    })
  })
}

/** Rows generated per table and, from the importer's report lines, rows it read. */
function printRows(rows, read) {
  const w = Math.max(...Object.keys(rows).map((t) => t.length))
  console.log(`\n${'table'.padEnd(w)}  ${'generated'.padStart(9)}  ${'read'.padStart(9)}`)
  for (const [t, n] of Object.entries(rows))
    console.log(`${t.padEnd(w)}  ${String(n).padStart(9)}  ${String(read[t] ?? '-').padStart(9)}`)
}

const conn = await mysql.createConnection({ uri: SERVER, multipleStatements: false })
const src = `qccplus_bench_${hex(4)}`
const dest = `qcc_bench_import_${hex(4)}`
let exitCode = 1
const cleanup = async () => {
  if (KEEP) return console.log(`kept: ${SERVER}/${src} and ${SERVER}/${dest}`)
  await conn.query(`DROP DATABASE IF EXISTS \`${src}\``)
  await conn.query(`DROP DATABASE IF EXISTS \`${dest}\``)
}
process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)))
try {
  if (!existsSync(CLI))
    console.log(`note: ${CLI} is missing; generating anyway, the import step will not run`)
  console.log(
    `generating ${src}: ${ACCOUNTS} accounts, ${NODES} nodes, ${METRICS} metric rows, plus ${HEALTH_ROWS} health_check_history and ${USAGE_ROWS} usage_logs rows`,
  )
  const t0 = performance.now()
  const rows = await generate(conn, src)
  console.log(`generated in ${secs(performance.now() - t0)} s`)
  await conn.query(`CREATE DATABASE \`${dest}\``)
  if (!existsSync(CLI)) {
    printRows(rows, {})
    console.error(
      `cannot run the import: ${CLI} not found; build it first (pnpm --filter @qcc/proxy build)`,
    )
  } else {
    console.log(`importing into ${dest} ...`)
    const run = await runImport(`${SERVER}/${src}`, dest)
    exitCode = run.code
    const read = Object.fromEntries(
      [...run.stdout.matchAll(/^(\w+): (\d+) read/gm)].map((m) => [m[1], Number(m[2])]),
    )
    console.log('\nimporter stdout:\n' + (run.stdout.trimEnd() || '(none)'))
    if (run.code !== 0)
      console.log(
        `\nimporter exited ${run.code}${run.signal ? ` (${run.signal})` : ''}; stderr:\n${run.stderr.trimEnd() || '(none)'}`,
      )
    printRows(rows, read)
    const met = run.code === 0 && run.wallS <= 120 && run.peakMiB < 300
    console.log(
      `\nwall ${run.wallS.toFixed(1)} s, peak RSS ${run.peakMiB.toFixed(0)} MiB, exit ${run.code}: target ≤ 120 s, < 300 MiB ${met ? 'met' : 'NOT met'}`,
    )
  }
} catch (err) {
  console.error(err)
  exitCode = 1
} finally {
  await cleanup()
  await conn.end()
}
process.exit(exitCode)
