// The fleet part of `pnpm bench:scale` (apps/proxy/bench/README.md): a fresh MariaDB database per size, seeded
// through the store in bulk (`createAccountsInBulk`), then the built proxy started on it: time to
// `/readyz` 200, RSS at ready, idle and after load, and json_c50 with a key picked at random for
// each request beside the raw node pipe, runs interleaved.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createStore } from '@qcc/store'
import { cpuSeconds, rssMiB } from './procs.mjs'
import { startQccProxy } from './qcc.mjs'
import { fixed, median, sleep, waitReady, waitWritten, wrkPost } from './scale-load.mjs'

/** The proxy's QCC_SECRET_KEY, which the seeding store seals the node keys with. */
export const SECRET_HEX = 'c4'.repeat(32)
/** Accounts per bulk call: 500 accounts are 5,000 keys and 2,500 nodes in one transaction. */
const SEED_BATCH = 500
/** Keys the load picks from (a random sample of the fleet's keys, the same for every size). */
const LOAD_KEYS = 2000
export const FLEET_GOALS = { readyS: 10, idleRssMiB: 250, costGrowth: 0.05 }

/** Seeds `accounts` tenants through the store in bulk; answers a sample of their key secrets. */
async function seedFleet(url, accounts, upstreamUrl, { keys: keysEach, nodes: nodesEach }) {
  const store = await createStore({
    kind: 'mysql',
    url,
    secretKey: Buffer.from(SECRET_HEX, 'hex'),
    usage: { flushIntervalMs: 60_000 },
  })
  const secrets = []
  const started = performance.now()
  try {
    for (let from = 0; from < accounts; from += SEED_BATCH) {
      const inputs = []
      for (let i = from; i < Math.min(accounts, from + SEED_BATCH); i++) {
        inputs.push({
          name: `scale-${String(i).padStart(6, '0')}`,
          password: null,
          keys: Array.from({ length: keysEach }, (_, k) => ({ name: `k${k}` })),
          nodes: Array.from({ length: nodesEach }, (_, n) => ({
            name: `n${n}`,
            baseUrl: upstreamUrl,
            apiKey: `sk-scale-upstream-${i}-${n}`,
            weight: n + 1,
            allowPrivate: true,
          })),
        })
      }
      for (const made of await store.createAccountsInBulk(inputs)) {
        for (const k of made.keys) secrets.push(k.secret)
      }
    }
  } finally {
    await store.close()
  }
  const seedS = (performance.now() - started) / 1000
  // A fixed-size sample, spread over the whole fleet.
  const step = Math.max(1, Math.floor(secrets.length / LOAD_KEYS))
  return { seedS, sample: secrets.filter((_, i) => i % step === 0).slice(0, LOAD_KEYS) }
}

/** Seeds one fleet size on a fresh database, starts qcc on it and measures it. */
export async function measureFleet(accounts, ctx) {
  const db = `qcc_scale_${process.pid}_${accounts}`
  await ctx.server.query(`CREATE DATABASE \`${db}\``)
  try {
    const { seedS, sample } = await seedFleet(
      `${ctx.serverUrl}/${db}`,
      accounts,
      ctx.upstreamUrl,
      ctx,
    )
    const keysFile = join(ctx.tmp, `keys-${accounts}.txt`)
    writeFileSync(keysFile, sample.join('\n') + '\n')
    const startedAt = performance.now()
    const qcc = await startQccProxy({
      upstreamUrl: ctx.upstreamUrl,
      pin: ctx.pin,
      logFile: join(ctx.tmp, `qcc-${accounts}.log`),
      dataDir: ctx.tmp,
      env: {
        PROXY_MYSQL_DSN: `${ctx.serverUrl}/${db}`,
        QCC_SECRET_KEY: SECRET_HEX,
        LOG_LEVEL: 'warn',
      },
      nodeArgs: ctx.profile
        ? ['--cpu-prof', '--cpu-prof-dir', join(ctx.tmp, `profile-${accounts}`)]
        : [],
    })
    try {
      const readyS = await waitReady(qcc.url, startedAt)
      const readyRss = rssMiB(qcc.pid)
      await sleep(ctx.idleQuietS * 1000)
      const idleRss = rssMiB(qcc.pid)
      const rows = { qcc: [], nodepipe: [] }
      // qcc's own CPU per request: steadier than req/s where MariaDB shares the CPUs.
      let qccCpuS = 0
      let qccRequests = 0
      for (let r = 0; r < ctx.runs; r++) {
        const order = r % 2 === 0 ? ['qcc', 'nodepipe'] : ['nodepipe', 'qcc']
        for (const peer of order) {
          const port = peer === 'qcc' ? new URL(qcc.url).port : ctx.nodepipe.port
          const cpuBefore = cpuSeconds(qcc.pid)
          const res = await wrkPost({
            pin: ctx.pin,
            port,
            bodyFile: ctx.bodies.json.path,
            keysFile,
            seconds: ctx.seconds,
            tmp: ctx.tmp,
          })
          if (res.non2xx > 0 || res.errors > 0) {
            throw new Error(
              `${peer} at ${accounts} accounts: ${res.non2xx} non-2xx, ${res.errors} errors`,
            )
          }
          rows[peer].push(res.rps)
          if (peer === 'qcc') {
            // Writing the run's usage is part of its cost: counted once it is written.
            await waitWritten(qcc.url)
            qccCpuS += cpuSeconds(qcc.pid) - cpuBefore
            qccRequests += res.requests
          }
        }
      }
      const ratios = rows.qcc.map((q, i) => q / rows.nodepipe[i])
      return {
        accounts,
        keys: accounts * ctx.keys,
        nodes: accounts * ctx.nodes,
        seedS,
        readyS,
        readyRss,
        idleRss,
        qccRps: median(rows.qcc),
        pipeRps: median(rows.nodepipe),
        ratio: median(ratios),
        ratioRange: [Math.min(...ratios), Math.max(...ratios)],
        cpuUsPerRequest: (qccCpuS / Math.max(1, qccRequests)) * 1e6,
        loadRss: rssMiB(qcc.pid),
      }
    } finally {
      await qcc.stop()
    }
  } finally {
    if (!ctx.keep) await ctx.server.query(`DROP DATABASE \`${db}\``)
  }
}

/** The fleet table, with the goals at the largest size. */
export function fleetReport(results, ctx) {
  const base = results[0]
  const cpuGrowth = (r) => r.cpuUsPerRequest / base.cpuUsPerRequest - 1
  const lines = [
    `fleet (accounts × ${ctx.keys} keys × ${ctx.nodes} nodes, MariaDB; json_c50, random key per request, ${ctx.runs} runs of ${ctx.seconds} s)`,
    'accounts   keys     nodes   seed s  ready s  RSS ready  RSS idle  qcc req/s  pipe req/s  qcc÷pipe (range)     vs first  qcc CPU µs/req  vs first',
  ]
  for (const r of results) {
    const growth = r.ratio / base.ratio - 1
    lines.push(
      [
        String(r.accounts).padEnd(9),
        String(r.keys).padEnd(8),
        String(r.nodes).padEnd(7),
        fixed(r.seedS).padStart(6),
        fixed(r.readyS, 2).padStart(8),
        fixed(r.readyRss).padStart(10),
        fixed(r.idleRss).padStart(9),
        fixed(r.qccRps, 0).padStart(10),
        fixed(r.pipeRps, 0).padStart(11),
        `${fixed(r.ratio, 2)} (${fixed(r.ratioRange[0], 2)}-${fixed(r.ratioRange[1], 2)})`.padStart(
          17,
        ),
        `${growth >= 0 ? '+' : ''}${fixed(growth * 100)} %`.padStart(12),
        fixed(r.cpuUsPerRequest, 0).padStart(15),
        `${cpuGrowth(r) >= 0 ? '+' : ''}${fixed(cpuGrowth(r) * 100)} %`.padStart(9),
      ].join(' '),
    )
  }
  const last = results.at(-1)
  const growth = Math.abs(last.ratio / base.ratio - 1)
  const met = (ok) => (ok ? 'met' : 'NOT met')
  lines.push(
    `goals at ${last.accounts} accounts: ready ${fixed(last.readyS, 2)} s (≤ ${FLEET_GOALS.readyS} s: ${met(last.readyS <= FLEET_GOALS.readyS)}), ` +
      `idle RSS ${fixed(last.idleRss)} MiB (≤ ${FLEET_GOALS.idleRssMiB}: ${met(last.idleRss <= FLEET_GOALS.idleRssMiB)}), ` +
      `per-request cost ${fixed(growth * 100)} % from ${base.accounts} accounts by req/s ratio, ` +
      `${fixed(cpuGrowth(last) * 100)} % by qcc CPU per request (≤ 5 %: ${met(growth <= FLEET_GOALS.costGrowth)} / ${met(Math.abs(cpuGrowth(last)) <= FLEET_GOALS.costGrowth)})`,
  )
  return lines.join('\n')
}
