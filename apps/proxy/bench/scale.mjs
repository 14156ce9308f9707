// `pnpm bench:scale`: how qcc's costs grow as the work grows (apps/proxy/bench/README.md), as curves, not one
// point. Parts (--parts, default all):
//   fleet: 100, 1,000 and 10,000 accounts with 10 keys and 5 nodes each (bench/scale-fleet.mjs);
//   mysql: the data path with usage written to MariaDB, and the writer's backlog at saturation
//          (bench/scale-mysql.mjs);
//   history: 1, 10 and 30 million usage rows behind the console's queries, and retention's
//          write stall (bench/scale-history.mjs).
// Prints a table per part and writes it, the raw figures and a PNG (and SVG) plot of each curve
// into --out (default artifacts/bench-scale/).
//
//   node bench/scale.mjs [--parts fleet,mysql] [--sizes 100,1000,10000] [--keys 10] [--nodes 5]
//     [--runs 3] [--seconds 5] [--idle-quiet 15] [--saturation 60] [--history 1,10,30]
//     [--queries 100] (per query kind and scope, 10 at a time)
//     [--server mysql://root@127.0.0.1:3306] [--out DIR] [--keep]
//     [--profile] (a CPU profile of each fleet proxy into <tmp>/profile-<size>; with --keep)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import mysql from 'mysql2/promise'
import { writeBodies } from './bodies.mjs'
import { writePlots } from './plot.mjs'
import { pinning, startNode, stopAll } from './procs.mjs'
import { FLEET_GOALS, fleetReport, measureFleet } from './scale-fleet.mjs'
import { fixed } from './scale-load.mjs'
import { historyReport, measureHistory } from './scale-history.mjs'
import { measureMysqlDataPath, mysqlReport } from './scale-mysql.mjs'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const argv = process.argv.slice(2)
const opt = (name, fallback) =>
  argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback
const PARTS = String(opt('parts', 'fleet,mysql,history')).split(',')
const OUT = String(opt('out', here('../../../artifacts/bench-scale/')))

const pin = pinning()
pin.pinSelf()
const tmp = mkdtempSync(join(tmpdir(), 'qcc-scale-'))
mkdirSync(OUT, { recursive: true })
const serverUrl = String(opt('server', 'mysql://root@127.0.0.1:3306')).replace(/\/+$/, '')
const server = await mysql.createConnection(serverUrl)
try {
  const mock = await startNode({ script: here('./mock.mjs'), cpu: pin.loadCpu, pin })
  const upstreamUrl = `http://127.0.0.1:${mock.port}`
  const nodepipe = await startNode({
    script: here('./peers/nodepipe.mjs'),
    env: { UPSTREAM_URL: upstreamUrl },
    cpu: pin.peerCpu,
    pin,
  })
  const ctx = {
    server,
    serverUrl,
    upstreamUrl,
    pin,
    tmp,
    nodepipe,
    bodies: writeBodies(tmp),
    keys: Number(opt('keys', 10)),
    nodes: Number(opt('nodes', 5)),
    runs: Number(opt('runs', 3)),
    seconds: Number(opt('seconds', 5)),
    idleQuietS: Number(opt('idle-quiet', 15)),
    saturationS: Number(opt('saturation', 60)),
    historyMillions: String(opt('history', '1,10,30')).split(',').map(Number),
    queries: Number(opt('queries', 100)),
    keep: argv.includes('--keep'),
    profile: argv.includes('--profile'),
  }
  const plots = []
  const fleetAxis = `accounts (× ${ctx.keys} keys, × ${ctx.nodes} nodes)`
  if (PARTS.includes('fleet')) {
    const results = []
    for (const size of String(opt('sizes', '100,1000,10000')).split(',').map(Number)) {
      const r = await measureFleet(size, ctx)
      results.push(r)
      console.log(
        `${size} accounts: seeded in ${fixed(r.seedS)} s, ready in ${fixed(r.readyS, 2)} s, idle RSS ${fixed(r.idleRss)} MiB, qcc÷pipe ${fixed(r.ratio, 2)}`,
      )
    }
    const table = fleetReport(results, ctx)
    console.log(`\n${table}\n`)
    writeFileSync(join(OUT, 'fleet.txt'), `${table}\n`)
    writeFileSync(join(OUT, 'fleet.json'), JSON.stringify(results, null, 2))
    const pts = (k) => results.map((r) => [r.accounts, r[k]])
    plots.push(
      {
        path: join(OUT, 'fleet-ready.png'),
        title: 'Start to /readyz 200',
        xLabel: fleetAxis,
        yLabel: 'seconds',
        logX: true,
        goal: FLEET_GOALS.readyS,
        series: [{ name: 'qcc', points: pts('readyS') }],
      },
      {
        path: join(OUT, 'fleet-rss.png'),
        title: 'RSS',
        xLabel: fleetAxis,
        yLabel: 'MiB',
        logX: true,
        goal: FLEET_GOALS.idleRssMiB,
        series: [
          { name: 'idle', points: pts('idleRss') },
          { name: 'at ready', points: pts('readyRss') },
          { name: 'after load', points: pts('loadRss') },
        ],
      },
      {
        path: join(OUT, 'fleet-cost.png'),
        title: 'json_c50, random key: qcc ÷ raw node pipe',
        xLabel: fleetAxis,
        yLabel: 'ratio',
        logX: true,
        series: [{ name: 'qcc ÷ nodepipe', points: pts('ratio') }],
      },
    )
  }
  if (PARTS.includes('mysql')) {
    const r = await measureMysqlDataPath(ctx)
    const table = mysqlReport(r, ctx)
    console.log(`${table}\n`)
    writeFileSync(join(OUT, 'mysql.txt'), `${table}\n`)
    writeFileSync(join(OUT, 'mysql.json'), JSON.stringify(r, null, 2))
    plots.push({
      path: join(OUT, 'mysql-backlog.png'),
      title: `Usage writer backlog at saturation (json_c50, ${ctx.saturationS} s)`,
      xLabel: 'seconds',
      yLabel: 'events not yet written',
      series: [{ name: 'pending', points: r.saturation.samples.map((s) => [s.t, s.pending]) }],
    })
  }
  if (PARTS.includes('history')) {
    const levels = await measureHistory(ctx)
    const table = historyReport(levels)
    console.log(`${table}\n`)
    writeFileSync(join(OUT, 'history.txt'), `${table}\n`)
    writeFileSync(join(OUT, 'history.json'), JSON.stringify(levels, null, 2))
    const series = (stat) =>
      levels[0].queries.map((q, i) => ({
        name: `${q.kind}, ${q.who}`,
        points: levels.map((l) => [l.rows / 1e6, l.queries[i][stat]]),
      }))
    plots.push(
      {
        path: join(OUT, 'history-median.png'),
        title: 'Console queries: median at 10 concurrent, under load',
        xLabel: 'usage rows (millions, 30 days, 1,000 accounts)',
        yLabel: 'ms',
        goal: 100,
        series: series('median'),
      },
      {
        path: join(OUT, 'history-p95.png'),
        title: 'Console queries: p95 at 10 concurrent, under load',
        xLabel: 'usage rows (millions, 30 days, 1,000 accounts)',
        yLabel: 'ms',
        goal: 300,
        series: series('p95'),
      },
      {
        path: join(OUT, 'history-retention.png'),
        title: 'Longest usage write while retention deletes a day',
        xLabel: 'usage rows (millions)',
        yLabel: 'ms',
        goal: 100,
        series: [
          { name: 'longest write', points: levels.map((l) => [l.rows / 1e6, l.retention.stallMs]) },
        ],
      },
    )
  }
  await writePlots(plots)
  console.log(`tables, figures and plots in ${OUT}`)
  await Promise.all([mock.stop(), nodepipe.stop()])
} finally {
  await server.end()
  stopAll()
  if (!argv.includes('--keep')) rmSync(tmp, { recursive: true, force: true })
}
