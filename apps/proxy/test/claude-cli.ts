import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The Claude Code CLI the tests install (`@anthropic-ai/claude-code`). */
export const CLAUDE = fileURLToPath(new URL('../node_modules/.bin/claude', import.meta.url))

/** The environment `claude -p` runs with offline: qcc as its base URL, nothing else sent. */
export function claudeEnv(baseUrl: string, apiKey: string, home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: apiKey,
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  }
}

/** Runs the CLI to its end (killed after `timeoutMs`), with what it printed. */
export function runClaude(args: string[], env: Record<string, string>, timeoutMs: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(CLAUDE, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}
