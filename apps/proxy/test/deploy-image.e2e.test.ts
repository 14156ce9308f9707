/**
 * What the Docker image runs, without Docker: the Dockerfile's own script builds the image's
 * contents into a temp folder, and `node <out>/dist/cli.js proxy` runs from there in MySQL mode
 * against MariaDB: log in, add a node, proxy a request, stop on SIGTERM.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import mysql from 'mysql2/promise'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdminClient, eventually, messages } from './admin-harness'
import { MESSAGE_BODY } from './start-qcc'

const root = join(import.meta.dirname, '../../..')
const SERVER = process.env.QCC_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
const DB = `qcc_image_${randomBytes(4).toString('hex')}`
const work = mkdtempSync(join(tmpdir(), 'qcc-image-'))
const out = join(work, 'app')

let conn: mysql.Connection
let up: FakeUpstream
let proxy: ChildProcess | undefined
let url = ''
let output = ''

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

beforeAll(async () => {
  // CI has installed and built the workspace (turbo runs `build` before `test`): reuse both.
  const built = ['packages/core', 'packages/store', 'packages/client', 'apps/admin', 'apps/proxy']
    .map((p) => existsSync(join(root, p, 'dist')))
    .every(Boolean)
  const args = [out, '--no-install', ...(built ? ['--no-build'] : [])]
  await promisify(execFile)(join(root, 'scripts/build-image-contents.sh'), args, {
    cwd: root,
    timeout: 240_000,
  })
  conn = await mysql.createConnection(SERVER)
  await conn.query(`CREATE DATABASE \`${DB}\``)
  up = await startFakeUpstream({ name: 'image-upstream' })
  const port = await freePort()
  url = `http://127.0.0.1:${port}`
  // Only what a container would have: no workspace, no pnpm, a fresh data directory.
  proxy = spawn(process.execPath, ['dist/cli.js', 'proxy'], {
    cwd: out,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PROXY_MYSQL_DSN: `${SERVER}/${DB}`,
      LISTEN_ADDR: `127.0.0.1:${port}`,
      QCC_DATA_DIR: join(work, 'data'),
      PROXY_DRAIN_TIMEOUT_SEC: '2',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proxy.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  proxy.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  await eventually(async () => {
    const res = await fetch(`${url}/healthz`)
    expect(res.status).toBe(200)
  }, 30_000)
}, 300_000)

afterAll(async () => {
  if (proxy && proxy.exitCode === null && proxy.signalCode === null) proxy.kill('SIGKILL')
  await conn?.query(`DROP DATABASE IF EXISTS \`${DB}\``)
  await conn?.end()
  await up?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('the image contents, run as the image runs them', () => {
  it('has only production dependencies and the console bundle', async () => {
    expect(existsSync(join(out, 'node_modules/@qcc/admin/dist/index.html'))).toBe(true)
    expect(existsSync(join(out, 'node_modules/vitest'))).toBe(false)
    expect(existsSync(join(out, 'node_modules/@qcc/testing'))).toBe(false)
    const admin = await fetch(`${url}/admin`)
    expect(admin.status).toBe(200)
    expect(admin.headers.get('content-type')).toContain('text/html')
    expect(output).toContain('"mode":"mysql"')
  })

  it('logs in, adds a node and proxies a request with the admin proxy key', async () => {
    const admin = new AdminClient(url)
    await admin.login('admin', 'admin123')
    const created = await admin.post('/admin/api/nodes', {
      name: 'image-node',
      base_url: up.url,
      api_key: 'sk-image-upstream',
    })
    expect(created.status).toBe(201)
    await eventually(async () => {
      const res = await messages(url, 'admin', MESSAGE_BODY)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-qcc-node')).toBe('image-node')
      expect(((await res.json()) as { type: string }).type).toBe('message')
    }, 10_000)
    expect(up.requests.at(-1)?.headers['x-api-key']).toBe('sk-image-upstream')
  })

  it('stops cleanly on SIGTERM', async () => {
    const child = proxy as ChildProcess
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
    child.kill('SIGTERM')
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref()),
    ])
    expect(code).toBe(0)
  })
})
