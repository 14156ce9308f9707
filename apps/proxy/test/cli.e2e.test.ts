import { pollUntil } from './wait'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeUpstream } from '@qcc/testing'

// These run the built JavaScript, as users do (turbo builds the proxy before its tests).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const START = fileURLToPath(new URL('../../../scripts/start.mjs', import.meta.url))

const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, out: () => stdout, err: () => stderr }
}

const waitFor = <T>(probe: () => T | undefined, timeoutMs: number) =>
  pollUntil('the command', probe, { timeoutMs })

function listeningUrl(stdout: string): string | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.includes('qcc is listening')) continue
    return (JSON.parse(line) as { url: string }).url
  }
  return undefined
}

describe('the qcc command', () => {
  it('prints its version', async () => {
    const p = run([CLI, '--version'], {})
    expect(await p.exited).toBe(0)
    expect(p.out()).toMatch(/^qcc \d+\.\d+\.\d+/)
  })

  it('stops within seconds with a message naming a bad variable', async () => {
    const started = Date.now()
    const p = run([CLI, 'proxy'], { PROXY_FAIL_THRESHOLD: 'often' })
    expect(await p.exited).toBe(2)
    expect(p.err()).toContain('PROXY_FAIL_THRESHOLD')
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('refuses a malformed QCC_SECRET_KEY, naming it', async () => {
    const p = run([CLI, 'proxy'], { QCC_SECRET_KEY: 'too-short', LISTEN_ADDR: '127.0.0.1:0' })
    expect(await p.exited).toBe(2)
    expect(p.err()).toContain('QCC_SECRET_KEY')
    expect(p.err()).not.toContain('too-short')
  })

  it('serves /healthz within seconds and exits 0 on SIGTERM', async () => {
    const started = Date.now()
    const p = run([CLI, 'proxy'], { LISTEN_ADDR: '127.0.0.1:0' })
    const url = await waitFor(() => listeningUrl(p.out()), 10_000)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    expect(p.out()).toContain('memory mode: nothing persists')
    p.child.kill('SIGTERM')
    expect(await p.exited).toBe(0)
  })

  it('`pnpm start` does not rebuild what is built and runs the proxy in its own process', async () => {
    const p = run([START], { LISTEN_ADDR: '127.0.0.1:0' })
    const url = await waitFor(() => listeningUrl(p.out()), 15_000)
    expect(p.err()).not.toContain('building')
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    p.child.kill('SIGTERM')
    expect(await p.exited).toBe(0)
  })

  it('`qcc message hi` prints the streamed text; NO_WARMUP=1 sends exactly one request', async () => {
    const upstream = await startFakeUpstream()
    try {
      const env = { ANTHROPIC_BASE_URL: upstream.url, ANTHROPIC_API_KEY: 'sk-ant-message' }
      const once = run([CLI, 'message', 'hi'], { ...env, NO_WARMUP: '1' })
      expect(await once.exited).toBe(0)
      expect(once.out()).toContain('Hello from the fake upstream.')
      expect(upstream.requests).toHaveLength(1)
      expect(upstream.requests[0]?.headers['x-api-key']).toBe('sk-ant-message')

      upstream.reset()
      const warm = run([CLI, 'message', 'hi'], env)
      expect(await warm.exited).toBe(0)
      expect(upstream.requests.length).toBeGreaterThan(1)
      const last = upstream.requests[upstream.requests.length - 1]
      expect(JSON.stringify(last?.json)).toContain('hi')

      upstream.setDefault({ kind: 'status', status: 401 })
      const failed = run([CLI, 'message', 'hi'], { ...env, NO_WARMUP: '1' })
      expect(await failed.exited).toBe(1)
      expect(failed.err()).toContain('authentication_error')
    } finally {
      await upstream.close()
    }
  })
})
