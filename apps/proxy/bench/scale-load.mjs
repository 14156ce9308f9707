// Shared pieces of `pnpm bench:scale`: wrk runs on the load CPU, the wait for `/readyz`, medians.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const here = (p) => fileURLToPath(new URL(p, import.meta.url))

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
export const fixed = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-')

/** Seconds from `startedAt` (performance.now()) until `url/readyz` answers 200. */
export async function waitReady(url, startedAt, limitMs = 300_000) {
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200)
        return (performance.now() - startedAt) / 1000
    } catch {
      // not listening yet
    }
    if (performance.now() - startedAt > limitMs)
      throw new Error(`${url} not ready in ${limitMs} ms`)
    await sleep(50)
  }
}

/** Usage rows the proxy at `url` holds and has not written yet (`qcc_usage_writer_pending`). */
export async function pendingUsage(url) {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/^qcc_usage_writer_pending (\S+)/m.exec(text)?.[1] ?? Number.NaN)
}

/**
 * Waits until the proxy has written its usage (at most `limitMs`): the next run, of another
 * peer, must not share the CPUs with MariaDB writing this run's rows.
 */
export async function waitWritten(url, limitMs = 30_000) {
  const t0 = performance.now()
  while ((await pendingUsage(url)) > 0 && performance.now() - t0 < limitMs) await sleep(100)
  // The last batch's commit and MariaDB's own flushing after it.
  await sleep(500)
}

/**
 * One wrk run on the load CPU against `port`: POSTs `bodyFile` at `connections` for `seconds`,
 * with a random key of `keysFile` per request when given, else the `headers`; `signal` stops it.
 */
export async function wrkPost({
  pin,
  port,
  bodyFile,
  keysFile,
  headers = {},
  seconds,
  tmp,
  connections = 50,
  signal,
}) {
  const out = join(tmp, `wrk-${port}.json`)
  const args = [
    '-t1',
    `-c${connections}`,
    `-d${Math.max(1, Math.round(seconds))}s`,
    '--timeout',
    '10s',
  ]
  args.push('-s', here('./wrk-post.lua'), `http://127.0.0.1:${port}/v1/messages`)
  const [cmd, argv] = pin.on ? ['taskset', ['-c', pin.loadCpu, 'wrk', ...args]] : ['wrk', args]
  await run(cmd, argv, {
    signal,
    env: {
      ...process.env,
      BODY_FILE: bodyFile,
      KEYS_FILE: keysFile ?? '',
      HEADERS: Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('|'),
      OUT_JSON: out,
    },
  })
  return JSON.parse(readFileSync(out, 'utf8'))
}
