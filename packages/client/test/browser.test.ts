import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { build } from 'vite'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { BrowserHooks } from './browser/entry'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-quic',
  '--disable-component-update',
  '--disable-sync',
]
const PAGE =
  '<!doctype html><html><body><script type="module" src="/entry.js"></script></body></html>'

let outDir: string
let bundle: string
let upstream: FakeUpstream
let server: Server
let browser: Browser | undefined
let origin: string

/** Serves the page and the bundle; proxies /v1/* to the fake upstream (same origin: no CORS). */
function startPageServer(): Promise<Server> {
  const target = new URL(upstream.url)
  const s = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE)
    } else if (req.url === '/entry.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle)
    } else if (req.url?.startsWith('/v1/')) {
      const upstreamReq = request(
        {
          hostname: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers)
          upstreamRes.pipe(res)
        },
      )
      upstreamReq.on('error', () => res.destroy())
      req.pipe(upstreamReq)
    } else {
      res.writeHead(404).end()
    }
  })
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)))
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'qcc-client-browser-'))
  await build({
    configFile: false,
    logLevel: 'silent',
    root: fileURLToPath(new URL('.', import.meta.url)),
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      lib: {
        entry: fileURLToPath(new URL('./browser/entry.ts', import.meta.url)),
        formats: ['es'],
        fileName: () => 'entry.js',
      },
    },
  })
  bundle = await readFile(join(outDir, 'entry.js'), 'utf8')
  upstream = await startFakeUpstream()
  server = await startPageServer()
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  await upstream?.close()
  if (outDir) await rm(outDir, { recursive: true, force: true })
})

describe('in headless Chromium', () => {
  it('the bundle has no Node built-ins', () => {
    expect(bundle).toContain('qccStream')
    expect(bundle).not.toMatch(/from ['"]node:/)
    expect(bundle).not.toMatch(/require\(/)
  })

  it('streams a message through the client bundled by Vite', async () => {
    upstream.enqueue({ kind: 'ok', text: 'Hi from the browser 🌍', events: 5, eventDelayMs: 5 })
    const page = await (browser as Browser).newPage()
    try {
      const errors: string[] = []
      page.on('pageerror', (err) => errors.push(err.message))
      await page.goto(origin + '/')
      await page.waitForFunction(
        () => (globalThis as unknown as BrowserHooks).qccReady,
        undefined,
        { timeout: 10_000 },
      )
      const result = await page.evaluate(
        (prompt) => (globalThis as unknown as BrowserHooks).qccStream(prompt),
        'hello',
      )
      expect(errors).toEqual([])
      expect(result.text).toBe('Hi from the browser 🌍')
      expect(result.deltas).toBe(5)
      expect(result.events[0]).toBe('message_start')
      expect(result.events.at(-1)).toBe('message_stop')
      expect(result.outputTokens).toBe(5)
      const [sent] = upstream.requests
      expect(sent?.path).toBe('/v1/messages?beta=true')
      expect(sent?.headers['x-api-key']).toBe('browser-key')
      expect(sent?.headers['x-app']).toBe('cli')
      expect(sent?.json).toMatchObject({ model: 'claude-haiku-5-5', stream: true })
    } finally {
      await page.close()
    }
  })
})
