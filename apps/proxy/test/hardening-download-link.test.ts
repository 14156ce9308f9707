import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import { loadEnv, type RunningQcc } from '../src/index'
import { type AdminClient, errorBody, loggedIn } from './admin-harness'
import { createTestDatabase, type TestDatabase } from './mysql-db'
import { startTestQcc } from './start-qcc'

/**
 * docs/SECURITY.md H8, the settings.json download link (docs/contract.md §9): it works once, for 10 minutes, on
 * any replica, and its install command is shell-quoted and built from `PROXY_PUBLIC_URL` or a
 * validated `Host`.
 */
const ADMIN_PASSWORD = 'dl-admin-password-1'
const TEN_MINUTES = 10 * 60_000

let up: FakeUpstream
let db: TestDatabase
let p1: RunningQcc
let p2: RunningQcc
let admin: AdminClient
let scratch: string

beforeAll(async () => {
  up = await startFakeUpstream()
  db = await createTestDatabase('dl')
  const env = {
    ADMIN_PASSWORD,
    UPSTREAM_BASE_URL: up.url,
    PROXY_MYSQL_DSN: db.url,
    QCC_SECRET_KEY: 'ef'.repeat(32),
    PROXY_HEALTH_INTERVAL_SEC: '3600',
  }
  p1 = await startTestQcc(env)
  p2 = await startTestQcc(env)
  admin = await loggedIn(p1, 'admin', ADMIN_PASSWORD)
  scratch = mkdtempSync(join(tmpdir(), 'qcc-dl-'))
})
afterAll(async () => {
  await p1?.close()
  await p2?.close()
  await up?.close()
  await db?.drop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

/** A POST with a raw `Host` header (fetch would not send this one). */
function postWithHost(url: string, host: string, cookie: string, body: unknown) {
  const data = JSON.stringify(body)
  return new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const req = request(
      `${url}/admin/api/claude-config`,
      {
        method: 'POST',
        headers: {
          host,
          cookie: `session_token=${cookie}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(data),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => {
          let json: unknown
          try {
            json = JSON.parse(text)
          } catch {
            json = text
          }
          resolve({ status: res.statusCode ?? 0, json })
        })
      },
    )
    req.on('error', reject)
    req.end(data)
  })
}

/**
 * Runs an install command in a real `sh` in the scratch folder, with a stand-in `curl` that
 * records its arguments (nothing is downloaded). @returns the arguments curl got
 */
function runInstall(command: string): string[] {
  const bin = join(scratch, 'bin')
  const home = join(scratch, 'home')
  const record = join(scratch, 'curl-args')
  execFileSync('mkdir', ['-p', bin, home])
  writeFileSync(join(bin, 'curl'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`)
  chmodSync(join(bin, 'curl'), 0o755)
  rmSync(record, { force: true })
  try {
    execFileSync('/bin/sh', ['-c', command], {
      cwd: scratch,
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home },
      stdio: 'ignore',
    })
  } catch {
    // An injected command may fail after it ran; the caller checks what happened.
  }
  return existsSync(record) ? readFileSync(record, 'utf8').split('\n').slice(0, -1) : []
}

describe('settings.json download link', () => {
  it('H8: a download link made on one replica downloads once on the other, then 404', async () => {
    const gen = await admin.post('/admin/api/claude-config', { model: 'claude-sonnet-4-6' })
    expect(gen.status).toBe(200)
    const path = new URL(gen.json.download_url as string).pathname
    const first = await fetch(`${p2.url}${path}`)
    expect(first.status).toBe(200)
    expect(first.headers.get('content-disposition')).toContain('settings.json')
    expect(await first.json()).toEqual(gen.json.settings)
    for (const qcc of [p2, p1]) {
      const again = await fetch(`${qcc.url}${path}`)
      expect(again.status).toBe(404)
      expect(await again.json()).toEqual(errorBody('not_found'))
    }
  })

  it('H8: of two replicas downloading at once, exactly one gets the file', async () => {
    for (let round = 0; round < 5; round++) {
      const gen = await admin.post('/admin/api/claude-config', {})
      const path = new URL(gen.json.download_url as string).pathname
      const answers = await Promise.all([p1, p2, p1, p2].map((q) => fetch(`${q.url}${path}`)))
      for (const a of answers) await a.text()
      expect(answers.map((a) => a.status).sort()).toEqual([200, 404, 404, 404])
    }
  })

  it('H8: the link expires 10 minutes after it was made', async () => {
    const before = Date.now()
    const gen = await admin.post('/admin/api/claude-config', {})
    const expiresAt = Date.parse(gen.json.expires_at as string)
    expect(expiresAt - before).toBeGreaterThan(TEN_MINUTES - 5000)
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(TEN_MINUTES)
    // What the store keeps: sealed, under the hash of the token, with that expiry.
    const [row] = await db.query<{ payload_enc: string; ttl: number }>(
      'SELECT payload_enc, TIMESTAMPDIFF(SECOND, created_at, expires_at) AS ttl ' +
        'FROM qcc_download_links ORDER BY created_at DESC LIMIT 1',
    )
    // Whole seconds between the store's clock and the route's: 599 or 600.
    expect(Number(row?.ttl)).toBeGreaterThanOrEqual(599)
    expect(Number(row?.ttl)).toBeLessThanOrEqual(600)
    expect(row?.payload_enc).toMatch(/^v1\./)
    const dump = JSON.stringify(await db.query('SELECT * FROM qcc_download_links'))
    expect(dump).not.toContain(gen.json.config_id as string)
    expect(dump).not.toContain('ANTHROPIC_BASE_URL')
  })

  it("H8: a Host of x';touch /tmp/pwn;' cannot inject: 400, and nothing is created", async () => {
    const keysBefore = (await admin.get('/admin/api/keys')).json.keys.length as number
    // The first is the issue's own; the second passes the HTTP layer's host check (no space or /).
    const hostile = [
      `x';touch /tmp/qcc-pwn-${process.pid};'`,
      "x';touch${IFS}pwn;'",
      'x$(id)',
      'x:99999',
      '[::1',
    ]
    const answers = []
    for (const host of hostile) {
      answers.push(await postWithHost(p1.url, host, admin.cookie as string, { new_key: true }))
    }
    // Whatever command came back is run the way a user would paste it (curl stands in).
    for (const a of answers) {
      const cmd = (a.json as { install_cmd?: { unix?: string } } | undefined)?.install_cmd?.unix
      if (cmd) runInstall(cmd)
    }
    expect(existsSync(join(scratch, 'pwn'))).toBe(false)
    expect(existsSync(`/tmp/qcc-pwn-${process.pid}`)).toBe(false)
    expect(answers.map((a) => a.status)).toEqual(hostile.map(() => 400))
    expect(answers[1]?.json).toEqual(errorBody('invalid_request', expect.stringContaining('Host')))
    expect((await admin.get('/admin/api/keys')).json.keys.length).toBe(keysBefore)
    // A plain host[:port] is fine, and the command names it inside quotes.
    const port = new URL(p1.url).port
    const ok = await postWithHost(p1.url, `localhost:${port}`, admin.cookie as string, {})
    expect(ok.status).toBe(200)
    const body = ok.json as { download_url: string; install_cmd: { unix: string } }
    expect(body.download_url.startsWith(`http://localhost:${port}/api/claude-config/`)).toBe(true)
    expect(body.install_cmd.unix).toContain(`curl -fsSL '${body.download_url}' -o`)
  })

  it('H8: with PROXY_PUBLIC_URL the commands use it, quoted, and a shell runs only curl', async () => {
    const marker = join(scratch, 'pwn-public')
    // A path may hold a quote; $IFS gives a space-free injection attempt.
    const publicUrl = `http://gw.test/x';touch$IFS${marker};'`
    const qcc = await startTestQcc({
      ADMIN_PASSWORD,
      UPSTREAM_BASE_URL: up.url,
      PROXY_PUBLIC_URL: publicUrl,
    })
    try {
      const client = await loggedIn(qcc, 'admin', ADMIN_PASSWORD)
      const gen = await client.post('/admin/api/claude-config', {})
      expect(gen.status).toBe(200)
      const url = gen.json.download_url as string
      expect(url.startsWith(`${publicUrl}/api/claude-config/download/`)).toBe(true)
      expect(gen.json.settings.env.ANTHROPIC_BASE_URL).toBe(publicUrl)
      expect(runInstall(gen.json.install_cmd.unix as string)).toEqual([
        '-fsSL',
        url,
        '-o',
        join(scratch, 'home', '.claude', 'settings.json'),
      ])
      expect(existsSync(marker)).toBe(false)
      expect(gen.json.install_cmd.windows).toContain(`iwr '${url.replace(/'/g, "''")}' -OutFile`)
    } finally {
      await qcc.close()
    }
  })

  it('H8: PROXY_PUBLIC_URL must be an http(s) URL without query or fragment', () => {
    expect(loadEnv({}).PROXY_PUBLIC_URL).toBeUndefined()
    expect(loadEnv({ PROXY_PUBLIC_URL: '' }).PROXY_PUBLIC_URL).toBeUndefined()
    expect(loadEnv({ PROXY_PUBLIC_URL: 'https://gw.example.com/' }).PROXY_PUBLIC_URL).toBe(
      'https://gw.example.com',
    )
    expect(loadEnv({ PROXY_PUBLIC_URL: 'https://gw.example.com/qcc/' }).PROXY_PUBLIC_URL).toBe(
      'https://gw.example.com/qcc',
    )
    for (const bad of ['ftp://gw.example.com', 'gw.example.com', 'https://gw.example.com/?a=1']) {
      expect(() => loadEnv({ PROXY_PUBLIC_URL: bad }), bad).toThrow(/PROXY_PUBLIC_URL/)
    }
  })
})
