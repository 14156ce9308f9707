// Provisioning through the admin API at fleet size: the built proxy on a fresh MariaDB database,
// then N tenants created the way an operator's script would, `--concurrency` requests at a time:
// `POST /admin/api/accounts {name}` (no password: the account comes with its first proxy key)
// and `POST /admin/api/nodes?account_id=` for its node. Prints the wall time, the rate and each
// call's median and p95, against the goal of 10,000 tenants within 2 minutes.
//
//   node bench/provision.mjs [--accounts 10000] [--concurrency 8] [--with-password]
//     [--server mysql://root@127.0.0.1:3306] [--keep] [--cpu-prof DIR]
//
// `--cpu-prof DIR` runs the proxy with node's `--cpu-prof` and stops it with SIGTERM (not the
// SIGKILL of stopAll), so its .cpuprofile is written to DIR for reading.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import { cpuSeconds, pinning, stopAll } from './procs.mjs'
import { adminSession, startQccProxy } from './qcc.mjs'

const argv = process.argv.slice(2)
const opt = (name, fallback) =>
  argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback
const ACCOUNTS = Number(opt('accounts', 10_000))
const CONCURRENCY = Number(opt('concurrency', 8))
const WITH_PASSWORD = argv.includes('--with-password')
const SERVER = String(opt('server', 'mysql://root@127.0.0.1:3306')).replace(/\/+$/, '')
const GOAL_S = 120 * (ACCOUNTS / 10_000)
const ADMIN_PASSWORD = 'provision-admin-password-1'
const CPU_PROF_DIR = opt('cpu-prof', undefined)

const DB = `qcc_provision_${process.pid}`
const tmp = mkdtempSync(join(tmpdir(), 'qcc-provision-'))
const server = await mysql.createConnection(SERVER)
await server.query(`CREATE DATABASE \`${DB}\``)
const times = { account: [], node: [] }
try {
  const qcc = await startQccProxy({
    upstreamUrl: 'http://127.0.0.1:9',
    pin: pinning(),
    logFile: join(tmp, 'qcc.log'),
    dataDir: tmp,
    env: {
      PROXY_MYSQL_DSN: `${SERVER}/${DB}`,
      ADMIN_PASSWORD,
      QCC_SECRET_KEY: 'b7'.repeat(32),
      LOG_LEVEL: 'warn',
    },
    nodeArgs: CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [],
  })
  const admin = await adminSession(qcc.url, 'admin', ADMIN_PASSWORD)
  const timed = async (list, call) => {
    const started = performance.now()
    const answer = await call()
    list.push(performance.now() - started)
    return answer
  }
  let next = 0
  const worker = async () => {
    for (let i = next++; i < ACCOUNTS; i = next++) {
      const name = `tenant-${String(i).padStart(6, '0')}`
      const account = await timed(times.account, () =>
        admin.post('/admin/api/accounts', {
          name,
          ...(WITH_PASSWORD ? { password: `${name}-password` } : {}),
        }),
      )
      await timed(times.node, () =>
        admin.post(`/admin/api/nodes?account_id=${account.id}`, {
          name: `${name}-node`,
          // An address, not a name: saving a name looks it up, and a lookup that hangs here
          // (no network) would time the resolver, not qcc.
          base_url: 'https://203.0.113.10',
          api_key: `sk-ant-${name}-upstream-key`,
        }),
      )
      if (i > 0 && i % 1000 === 0) process.stderr.write(`  ${i} tenants\n`)
    }
  }
  const started = performance.now()
  const cpuBefore = cpuSeconds(qcc.pid)
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  const seconds = (performance.now() - started) / 1000
  // qcc's own CPU: steadier than the wall time when other work shares the machine.
  const cpu = cpuSeconds(qcc.pid) - cpuBefore
  const [[row]] = await server.query(
    `SELECT (SELECT COUNT(*) FROM \`${DB}\`.qcc_accounts) AS accounts,
            (SELECT COUNT(*) FROM \`${DB}\`.qcc_nodes) AS nodes,
            (SELECT COUNT(*) FROM \`${DB}\`.qcc_proxy_keys) AS proxy_keys`,
  )
  const pct = (list, p) => {
    const sorted = [...list].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN
  }
  const ms = (v) => `${v.toFixed(1)} ms`
  console.log(
    `provisioning: ${ACCOUNTS} tenants (account + its first key, one node), ${CONCURRENCY} at a time, MariaDB${WITH_PASSWORD ? ', with passwords' : ', no passwords'}`,
  )
  console.log(
    `  wall ${seconds.toFixed(1)} s (goal ≤ ${GOAL_S} s: ${seconds <= GOAL_S ? 'met' : 'NOT met'}), ${(ACCOUNTS / seconds).toFixed(0)} tenants/s`,
  )
  console.log(
    `  qcc CPU ${cpu.toFixed(1)} s (${((1000 * cpu) / ACCOUNTS).toFixed(2)} ms per tenant)`,
  )
  for (const [what, list] of Object.entries(times))
    console.log(
      `  POST ${what === 'account' ? '/admin/api/accounts' : '/admin/api/nodes'}: median ${ms(pct(list, 0.5))}, p95 ${ms(pct(list, 0.95))}`,
    )
  console.log(
    `  in the database: ${row.accounts} accounts (admin included), ${row.nodes} nodes, ${row.proxy_keys} proxy keys`,
  )
  // A graceful stop: the profile is written at exit, which SIGKILL skips.
  if (CPU_PROF_DIR) await qcc.stop('SIGTERM')
} finally {
  stopAll()
  if (!argv.includes('--keep')) {
    await server.query(`DROP DATABASE IF EXISTS \`${DB}\``)
    rmSync(tmp, { recursive: true, force: true })
  }
  await server.end()
}
