/**
 * Keeps one child process running: restarts it with exponential backoff whenever it exits, until
 * `stop()`. Used for `cloudflared`; written generically so tests can supervise a fake script.
 */
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Logger } from '../observability/logger'

export interface BackoffOptions {
  /** First restart delay (default 1 s); doubles per consecutive crash. */
  initialMs?: number
  /** Upper bound of the delay (default 60 s). */
  maxMs?: number
  /** A run at least this long resets the backoff (default 60 s). */
  resetAfterMs?: number
}

export interface SupervisedProcessOptions {
  command: string
  args: string[]
  logger: Logger
  /** Strings scrubbed from every output line before it is logged or kept (tokens). */
  secrets: string[]
  backoff?: BackoffOptions
  onStarted(pid: number | undefined): void
  /** The child ended on its own; it will be started again after `restartInMs`. */
  onCrashed(info: { error: string; restartInMs: number; restarts: number }): void
  now?: () => number
  spawn?: typeof nodeSpawn
  /** The child's whole environment (it inherits nothing else from qcc's). */
  env?: Record<string, string>
}

/** One supervised child process. */
export class SupervisedProcess {
  private child: ChildProcess | undefined
  private timer: NodeJS.Timeout | undefined
  private stopped = true
  private failures = 0
  private restarts = 0
  private lastLine = ''

  constructor(private readonly opts: SupervisedProcessOptions) {}

  /** PID of the running child, if any. */
  get pid(): number | undefined {
    return this.child?.pid
  }

  /** Starts the child (no-op when already supervised). */
  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.failures = 0
    this.restarts = 0
    this.launch()
  }

  /** Stops supervising: SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs)
      child.once('exit', () => {
        clearTimeout(kill)
        resolve()
      })
      child.kill('SIGTERM')
    })
  }

  private scrub(line: string): string {
    let out = line
    for (const secret of this.opts.secrets) if (secret) out = out.split(secret).join('[redacted]')
    return out
  }

  private launch(): void {
    const now = this.opts.now ?? Date.now
    const startedAt = now()
    const spawn = this.opts.spawn ?? nodeSpawn
    let child: ChildProcess
    try {
      // The child inherits qcc's environment (PATH to find the binary).
      child = spawn(this.opts.command, this.opts.args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: this.opts.env ?? {},
      })
    } catch (err) {
      this.crashed(`cannot start ${this.opts.command}: ${(err as Error).message}`, 0)
      return
    }
    this.child = child
    this.lastLine = ''
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue
      createInterface({ input: stream }).on('line', (raw) => {
        const line = this.scrub(raw).slice(0, 500)
        if (line.trim()) this.lastLine = line
        this.opts.logger.debug({ line }, 'cloudflared')
      })
    }
    let ended = false
    const ended$ = (error: string) => {
      if (ended) return
      ended = true
      if (this.child === child) this.child = undefined
      if (this.stopped) return
      this.crashed(error, now() - startedAt)
    }
    child.once('spawn', () => this.opts.onStarted(child.pid))
    child.once('error', (err) => ended$(`cannot start ${this.opts.command}: ${err.message}`))
    child.once('exit', (code, signal) => {
      // Let the last output lines arrive before they are quoted.
      setImmediate(() => {
        const how = signal ? `signal ${signal}` : `code ${String(code)}`
        ended$(`cloudflared exited with ${how}${this.lastLine ? `: ${this.lastLine}` : ''}`)
      })
    })
  }

  private crashed(error: string, ranMs: number): void {
    const { initialMs = 1000, maxMs = 60_000, resetAfterMs = 60_000 } = this.opts.backoff ?? {}
    this.failures = ranMs >= resetAfterMs ? 1 : this.failures + 1
    const restartInMs = Math.min(maxMs, initialMs * 2 ** (this.failures - 1))
    this.restarts += 1
    this.opts.onCrashed({ error, restartInMs, restarts: this.restarts })
    this.timer = setTimeout(() => {
      if (!this.stopped) this.launch()
    }, restartInMs)
    this.timer.unref()
  }
}
