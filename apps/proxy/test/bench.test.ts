import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// Smoke test of `pnpm bench` (bench/run.mjs): the harness starts the built proxy, both baselines
// and the mock, measures and prints. Tiny durations; only "numbers came out and are positive" is
// asserted, never performance, so a busy 2-core machine cannot make it flake. autocannon is
// forced so the test never depends on wrk being installed. ~15 s on a quiet machine; the generous
// timeouts are for a machine busy with other work (a start-up alone can take seconds then).
const run = promisify(execFile)
const script = fileURLToPath(new URL('../bench/run.mjs', import.meta.url))

async function bench(...args: string[]): Promise<{ text: string; json: Record<string, unknown> }> {
  const { stdout } = await run(process.execPath, [script, '--smoke', '--json', ...args], {
    timeout: 150_000,
  })
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '))
  if (!line) throw new Error(`no BENCH_JSON line in:\n${stdout}`)
  return { text: stdout, json: JSON.parse(line.slice('BENCH_JSON '.length)) }
}

const positive = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0

// The two runs go side by side: each one mostly waits on its child processes.
describe.concurrent('pnpm bench (smoke)', () => {
  it('measures the proxy and both baselines and prints the table', async () => {
    const { text, json } = await bench('--autocannon')
    const cells = json.cells as { peer: string; test: string; rps: number }[]
    for (const peer of ['nodepipe', 'hono', 'qcc']) {
      for (const test of ['json', 'big', 'sse']) {
        const cell = cells.find((c) => c.peer === peer && c.test === test)
        expect(positive(cell?.rps), `${peer} ${test}`).toBe(true)
      }
    }
    const ttfb = json.ttfb as Record<string, { sse: { p50: number }; json: { p50: number } }>
    for (const name of ['direct', 'nodepipe', 'hono', 'qcc']) {
      expect(positive(ttfb[name]?.sse.p50), name).toBe(true)
      expect(positive(ttfb[name]?.json.p50), name).toBe(true)
    }
    expect(positive((json.idle as Record<string, number>).qcc)).toBe(true)
    expect(text).toContain('qcc ÷ nodepipe')
    expect(text).toContain('Targets:')
  }, 180_000)

  it('runs the hold test with a node dying and reads the usage summary back', async () => {
    const { text, json } = await bench('--hold')
    const results = json.results as {
      variant: string
      sent: number
      usage: { requests: number }
      rss: { max: number }
    }[]
    expect(results.map((r) => r.variant)).toEqual(['steady', 'kill'])
    for (const r of results) {
      expect(r.sent).toBeGreaterThan(0)
      expect(r.usage.requests).toBeGreaterThan(0)
      expect(positive(r.rss.max)).toBe(true)
    }
    expect(text).toContain('usage summary delta')
  }, 180_000)
})
