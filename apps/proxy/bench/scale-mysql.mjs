// The MySQL part of `pnpm bench:scale` (apps/proxy/bench/README.md): the data path with every request's usage
// written to MariaDB. json_c50 and sse_c50 beside the raw node pipe (runs interleaved), then a
// saturation run during which the usage writer's backlog (`qcc_usage_writer_pending`) is read
// from /metrics each second; afterwards the usage rows are counted against the answered requests.
import { join } from 'node:path'
import { createStore } from '@qcc/store'
import mysql from 'mysql2/promise'
import { rssMiB } from './procs.mjs'
import { PROXY_KEY, startQccProxy } from './qcc.mjs'
import {
  fixed,
  median,
  pendingUsage,
  sleep,
  waitReady,
  waitWritten,
  wrkPost,
} from './scale-load.mjs'
import { SECRET_HEX } from './scale-fleet.mjs'

export const MYSQL_GOALS = { ratio: 0.6 }

/** Least-squares slope of `ys` over 0..n-1 (per sample). */
function slope(ys) {
  const n = ys.length
  const mx = (n - 1) / 2
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my)
    den += (x - mx) ** 2
  })
  return den === 0 ? 0 : num / den
}

export async function measureMysqlDataPath(ctx) {
  const db = `qcc_scale_${process.pid}_datapath`
  await ctx.server.query(`CREATE DATABASE \`${db}\``)
  const rowsIn = async () => {
    const conn = await mysql.createConnection(`${ctx.serverUrl}/${db}`)
    try {
      const [[row]] = await conn.query('SELECT COUNT(*) AS n FROM qcc_usage_events')
      return Number(row.n)
    } finally {
      await conn.end()
    }
  }
  try {
    // MySQL mode has no default tenant: one account with the bench key and a node on the mock.
    const store = await createStore({
      kind: 'mysql',
      url: `${ctx.serverUrl}/${db}`,
      secretKey: Buffer.from(SECRET_HEX, 'hex'),
    })
    try {
      await store.createAccountsInBulk([
        {
          name: 'bench',
          password: null,
          keys: [{ name: 'bench', key: PROXY_KEY }],
          nodes: [{ name: 'mock', baseUrl: ctx.upstreamUrl, allowPrivate: true }],
        },
      ])
    } finally {
      await store.close()
    }
    const qcc = await startQccProxy({
      upstreamUrl: ctx.upstreamUrl,
      pin: ctx.pin,
      logFile: join(ctx.tmp, 'qcc-datapath.log'),
      dataDir: ctx.tmp,
      env: {
        PROXY_MYSQL_DSN: `${ctx.serverUrl}/${db}`,
        QCC_SECRET_KEY: SECRET_HEX,
        LOG_LEVEL: 'warn',
      },
    })
    try {
      await waitReady(qcc.url, performance.now())
      const headers = { 'x-api-key': PROXY_KEY }
      const cells = {}
      for (const kind of ['json', 'sse']) {
        const rps = { qcc: [], nodepipe: [] }
        for (let r = 0; r < ctx.runs; r++) {
          for (const peer of r % 2 === 0 ? ['qcc', 'nodepipe'] : ['nodepipe', 'qcc']) {
            const port = peer === 'qcc' ? new URL(qcc.url).port : ctx.nodepipe.port
            const res = await wrkPost({
              ...ctx,
              port,
              bodyFile: ctx.bodies[kind].path,
              headers,
              seconds: ctx.seconds,
            })
            if (res.non2xx > 0 || res.errors > 0) {
              throw new Error(`${peer} ${kind}: ${res.non2xx} non-2xx, ${res.errors} errors`)
            }
            rps[peer].push(res.rps)
            if (peer === 'qcc') await waitWritten(qcc.url)
          }
        }
        const ratios = rps.qcc.map((q, i) => q / rps.nodepipe[i])
        cells[kind] = {
          qccRps: median(rps.qcc),
          pipeRps: median(rps.nodepipe),
          ratio: median(ratios),
          range: [Math.min(...ratios), Math.max(...ratios)],
        }
      }
      // Saturation: the backlog each second, then every answered request must have its row.
      while ((await pendingUsage(qcc.url)) > 0) await sleep(200)
      const before = await rowsIn()
      const samples = []
      const sampler = (async () => {
        const t0 = performance.now()
        while (performance.now() - t0 < ctx.saturationS * 1000) {
          await sleep(1000 - ((performance.now() - t0) % 1000))
          samples.push({
            t: Math.round((performance.now() - t0) / 1000),
            pending: await pendingUsage(qcc.url),
          })
        }
      })()
      const load = await wrkPost({
        ...ctx,
        port: new URL(qcc.url).port,
        bodyFile: ctx.bodies.json.path,
        headers,
        seconds: ctx.saturationS,
      })
      await sampler
      const rssAfter = rssMiB(qcc.pid)
      const drainStarted = performance.now()
      while ((await pendingUsage(qcc.url)) > 0 && performance.now() - drainStarted < 30_000) {
        await sleep(200)
      }
      const written = (await rowsIn()) - before
      const pending = samples.map((s) => s.pending)
      return {
        cells,
        saturation: {
          seconds: ctx.saturationS,
          rps: load.rps,
          answered: load.requests,
          written,
          samples,
          maxPending: Math.max(...pending),
          // Growth per second over the run: flat is about 0.
          slopePerS: slope(pending),
          drainS: (performance.now() - drainStarted) / 1000,
          rssAfter,
        },
      }
    } finally {
      await qcc.stop()
    }
  } finally {
    if (!ctx.keep) await ctx.server.query(`DROP DATABASE \`${db}\``)
  }
}

/** The MySQL data path table, with the goals. */
export function mysqlReport(r, ctx) {
  const met = (ok) => (ok ? 'met' : 'NOT met')
  const s = r.saturation
  const lines = [
    `MySQL mode data path (usage written to MariaDB; ${ctx.runs} runs of ${ctx.seconds} s)`,
  ]
  for (const [kind, c] of Object.entries(r.cells)) {
    lines.push(
      `${kind}_c50: qcc ${fixed(c.qccRps, 0)} req/s, pipe ${fixed(c.pipeRps, 0)} req/s, ` +
        `qcc÷pipe ${fixed(c.ratio, 2)} (${fixed(c.range[0], 2)}-${fixed(c.range[1], 2)}; ≥ ${MYSQL_GOALS.ratio}: ${met(c.ratio >= MYSQL_GOALS.ratio)})`,
    )
  }
  lines.push(
    `saturation ${s.seconds} s json_c50 at ${fixed(s.rps, 0)} req/s: usage backlog max ${s.maxPending}, ` +
      // Flat: the fitted growth over the whole run is less than one write batch (500 rows).
      `trend ${fixed(s.slopePerS, 2)} rows/s (flat: ${met(Math.abs(s.slopePerS) * s.seconds < 500)}), ` +
      `drained in ${fixed(s.drainS, 1)} s; rows written ${s.written} for ${s.answered} answered ` +
      // wrk does not count the requests in flight when it stops (at most one per connection).
      `(${s.written >= s.answered && s.written <= s.answered + 50 ? 'exact' : 'NOT exact'}); RSS after ${fixed(s.rssAfter)} MiB`,
  )
  return lines.join('\n')
}
