// The proxy under test: the built CLI (`dist/cli.js proxy`), memory mode, with its production
// features on: tenant auth, node selection, the usage tap into the store's batched writer,
// metrics and info-level JSON logs (to a file, so the bench pays for formatting and writing them
// like a deployment whose stdout goes to a collector).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort, startNode } from './procs.mjs'

export const PROXY_KEY = 'sk-qcc-bench-tenant'
/** Node flags the Docker image and `pnpm start` run the proxy with (deploy-config.test.ts checks). */
export const QCC_NODE_FLAGS = ['--v8-pool-size=1']
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

export async function startQccProxy({
  upstreamUrl,
  pin,
  logFile,
  dataDir,
  env = {},
  nodeArgs = [],
  cli = CLI,
}) {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`pnpm build\` (pnpm bench does)`)
  const port = await freePort()
  const proc = await startNode({
    script: cli,
    args: ['proxy'],
    nodeArgs: [...QCC_NODE_FLAGS, ...nodeArgs],
    cpu: pin.peerCpu,
    pin,
    logFile,
    port,
    env: {
      LISTEN_ADDR: `127.0.0.1:${port}`,
      LOG_LEVEL: 'info',
      UPSTREAM_BASE_URL: upstreamUrl,
      UPSTREAM_API_KEY: 'sk-bench-upstream',
      UPSTREAM_NAME: 'mock-a',
      DEFAULT_PROXY_API_KEY: PROXY_KEY,
      QCC_DATA_DIR: dataDir,
      PROXY_DRAIN_TIMEOUT_SEC: '2',
      ...env,
    },
  })
  return { ...proc, url: `http://127.0.0.1:${port}` }
}

/** An admin session (POST /login JSON) for the usage summary and node management. */
export async function adminSession(baseUrl, name = 'admin', password = 'admin123') {
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username: name, password }),
  })
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  const cookie = (res.headers.getSetCookie?.() ?? [])
    .map((c) => c.split(';')[0])
    .filter((c) => c.startsWith('session_token='))
    .join('; ')
  const call = async (method, path, body) => {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { cookie, accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await r.text()
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`)
    return text ? JSON.parse(text) : undefined
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    usageSummary: () => call('GET', '/admin/api/usage/summary'),
  }
}
