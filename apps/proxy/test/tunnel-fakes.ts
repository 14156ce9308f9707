/**
 * Fakes for the tunnel tests: a Cloudflare API on 127.0.0.1:0 that keeps accounts, zones,
 * tunnels and DNS records in memory, and a fake `cloudflared` script that records its starts and
 * crashes when a flag file appears. No real network.
 */
import { pollUntil } from './wait'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface FakeCloudflare {
  url: string
  token: string
  tunnels: Map<string, { id: string; name: string; deleted: boolean; ingress?: unknown }>
  dns: Map<string, { id: string; type: string; name: string; content: string }>
  calls: string[]
  close(): Promise<void>
}

/** The fake Cloudflare API; only `token` is accepted. */
export async function startFakeCloudflare(token = 'cf-good-token'): Promise<FakeCloudflare> {
  const tunnels: FakeCloudflare['tunnels'] = new Map()
  const dns: FakeCloudflare['dns'] = new Map()
  const calls: string[] = []
  let seq = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const path = url.pathname.replace(/^\/client\/v4/, '')
      calls.push(`${req.method} ${path}`)
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      const ok = (result: unknown) => send(200, { success: true, errors: [], result })
      if (req.headers.authorization !== `Bearer ${token}`) {
        send(403, {
          success: false,
          errors: [{ code: 10000, message: 'Authentication error' }],
          result: null,
        })
        return
      }
      const body = chunks.length
        ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>)
        : {}
      const name = url.searchParams.get('name')
      let m: RegExpExecArray | null
      if (path === '/accounts') return ok([{ id: 'acc1', name: 'Test account' }])
      if (path === '/zones') {
        const zones = [{ id: 'zone1', name: 'example.com' }]
        return ok(zones.filter((z) => !name || z.name === name))
      }
      if (path === '/accounts/acc1/cfd_tunnel') {
        if (req.method === 'POST') {
          const t = { id: `tun-${++seq}`, name: String(body.name), deleted: false }
          tunnels.set(t.id, t)
          return ok({ id: t.id, name: t.name })
        }
        return ok([...tunnels.values()].filter((t) => !t.deleted && (!name || t.name === name)))
      }
      if ((m = /^\/accounts\/acc1\/cfd_tunnel\/([^/]+)(\/.*)?$/.exec(path))) {
        const t = tunnels.get(m[1] ?? '')
        if (!t || t.deleted) return send(404, { success: false, errors: [{ code: 1003 }] })
        if (m[2] === '/configurations') {
          t.ingress = (body.config as { ingress: unknown }).ingress
          return ok({})
        }
        if (m[2] === '/token') return ok(`connector-token-${t.id}`)
        if (m[2] === '/connections') return ok(null)
        if (!m[2] && req.method === 'DELETE') {
          t.deleted = true
          return ok({ id: t.id })
        }
      }
      if (path === '/zones/zone1/dns_records') {
        if (req.method === 'POST') {
          const r = {
            id: `dns-${++seq}`,
            type: String(body.type),
            name: String(body.name),
            content: String(body.content),
          }
          dns.set(r.id, r)
          return ok(r)
        }
        return ok([...dns.values()].filter((r) => !name || r.name === name))
      }
      if ((m = /^\/zones\/zone1\/dns_records\/([^/]+)$/.exec(path))) {
        const r = dns.get(m[1] ?? '')
        if (!r) return send(404, { success: false, errors: [{ code: 81044 }] })
        if (req.method === 'DELETE') {
          dns.delete(r.id)
          return ok({ id: r.id })
        }
        Object.assign(r, { type: body.type, content: body.content })
        return ok(r)
      }
      send(404, { success: false, errors: [{ code: 7003, message: 'no route' }] })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/client/v4`,
    token,
    tunnels,
    dns,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

export interface FakeCloudflared {
  /** Path of the executable script. */
  path: string
  /** One JSON line per start: `{pid, args}`. */
  starts(): { pid: number; args: string[]; token?: string; envKeys: string[] }[]
  /** Makes the running fake print an error and exit 1. */
  crash(): void
  cleanup(): void
}

/** A fake `cloudflared`: runs until SIGTERM, or exits 1 when `crash()` drops a flag file. */
export function createFakeCloudflared(): FakeCloudflared {
  const dir = mkdtempSync(join(tmpdir(), 'qcc-fake-cloudflared-'))
  const path = join(dir, 'cloudflared')
  const log = join(dir, 'starts.log')
  const flag = join(dir, 'crash')
  writeFileSync(
    path,
    `#!${process.execPath}
const fs = require('node:fs')
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ pid: process.pid, args: process.argv.slice(2), token: process.env.TUNNEL_TOKEN, envKeys: Object.keys(process.env) }) + '\\n')
console.log('INF Starting tunnel connector')
setInterval(() => {
  if (fs.existsSync(${JSON.stringify(flag)})) {
    fs.rmSync(${JSON.stringify(flag)})
    console.error('ERR simulated connector failure')
    process.exit(1)
  }
}, 20)
process.on('SIGTERM', () => process.exit(0))
`,
  )
  chmodSync(path, 0o755)
  return {
    path,
    starts: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            // The last piece is empty or a line still being written.
            .slice(0, -1)
            .map(
              (l) =>
                JSON.parse(l) as { pid: number; args: string[]; token?: string; envKeys: string[] },
            )
        : [],
    crash: () => writeFileSync(flag, '1'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** Polls `check` every 20 ms until it is truthy; fails after `timeoutMs`. */
export const waitFor = <T>(check: () => T | Promise<T>, timeoutMs = 5000) =>
  pollUntil('a condition', check, { timeoutMs, intervalMs: 20 })

/** True while a process of that pid exists (signal 0 only asks). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
