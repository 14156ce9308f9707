#!/usr/bin/env node
/**
 * The `qcc` command: `qcc proxy` (the default), `qcc message <text...>`, `qcc migrate`,
 * `qcc import qcc-plus ...`, `qcc --version`. The only place with process-level side effects.
 */
import { EnvError, loadEnv, qccChildEnv, type Env } from './env'
import { VERSION_INFO } from './version'

const USAGE = `usage: qcc [proxy | message <text...> | migrate | import qcc-plus --from <DSN|sqlite:path> [--dry-run] [--with-history] | --version]`

async function main(argv: string[]): Promise<number> {
  const [command = 'proxy', ...rest] = argv
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(
      `qcc ${VERSION_INFO.version} (${VERSION_INFO.commit}, built ${VERSION_INFO.builtAt})\n`,
    )
    return 0
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  let env: Env
  try {
    env = loadEnv()
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`qcc: ${err.message}\n`)
      return 2
    }
    throw err
  }
  switch (command) {
    case 'proxy':
      return runProxy(env)
    case 'message': {
      const { runMessageCommand } = await import('./commands/message')
      const interrupted = new AbortController()
      process.once('SIGINT', () => interrupted.abort())
      return runMessageCommand({
        signal: interrupted.signal,
        platform: { os: process.platform, arch: process.arch, runtimeVersion: process.version },
        args: rest,
        env: {
          ANTHROPIC_AUTH_TOKEN: env.ANTHROPIC_AUTH_TOKEN,
          ANTHROPIC_API_KEY: env.ANTHROPIC_API_KEY,
          ANTHROPIC_BASE_URL: env.ANTHROPIC_BASE_URL,
          MODEL: env.MODEL,
          WARMUP_MODEL: env.WARMUP_MODEL,
          NO_WARMUP: env.NO_WARMUP,
        },
        stdout: process.stdout,
        stderr: process.stderr,
      })
    }
    case 'migrate': {
      const { runMigrateCommand } = await import('./commands/migrate')
      return runMigrateCommand(env, process.stderr)
    }
    case 'import': {
      const bounded = await runWithBoundedHeap(argv)
      if (bounded !== null) return bounded
      const { runImportCommand } = await import('./commands/import')
      return runImportCommand(env, rest, { stdout: process.stdout, stderr: process.stderr })
    }
    default:
      process.stderr.write(`qcc: unknown command "${command}"\n${USAGE}\n`)
      return 2
  }
}

/** Old-space limit of `qcc import`, MiB (docs/contract.md §14.1: the import stays under 300 MiB). */
const IMPORT_HEAP_MIB = 128

/**
 * Runs this command again in a child with a bounded old space, unless this process already
 * has one; null when it does (go on here). The import streams everything, but with the default
 * limit (a quarter of RAM) V8 lets garbage pile up to hundreds of MiB before collecting it.
 */
async function runWithBoundedHeap(argv: string[]): Promise<number | null> {
  if (process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) return null
  const { spawn } = await import('node:child_process')
  const script = process.argv[1]
  if (!script) return null
  const child = spawn(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${IMPORT_HEAP_MIB}`, script, ...argv],
    // Two malloc arenas instead of 8 per core: freed row buffers are reused, not kept per thread.
    { stdio: 'inherit', env: qccChildEnv() },
  )
  const forward = (signal: NodeJS.Signals) => child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  return new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
    child.on('error', () => resolve(1))
  })
}

async function runProxy(env: Env): Promise<number> {
  // Loaded here, not at the top: `qcc import` waits on its child in this process, which then
  // holds only what parsing the arguments needs.
  const [{ createLogger }, { startQcc }, { scheduleStartupCompaction }] = await Promise.all([
    import('./observability/logger'),
    import('./server'),
    import('./startup-compaction'),
  ])
  const logger = createLogger(env.LOG_LEVEL)
  const qcc = await startQcc(env, { logger })
  scheduleStartupCompaction()
  return new Promise<number>((resolve) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      logger.info({ signal }, 'shutting down')
      qcc.close().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed')
          resolve(1)
        },
      )
    }
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.once('SIGINT', () => stop('SIGINT'))
  })
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
    // Open handles (keep-alive pools, timers) must not keep a finished command alive.
    setTimeout(() => process.exit(code), 100).unref()
  },
  (err: unknown) => {
    // Configuration and store refusals (bad env, wrong secret key, foreign schema) are the
    // operator's to fix: say what is wrong, without a stack trace.
    if (err instanceof EnvError) {
      process.stderr.write(`qcc: ${err.message}\n`)
      process.exit(2)
    }
    const known = err instanceof Error && err.name === 'StoreError'
    const text =
      err instanceof Error ? (known ? err.message : (err.stack ?? err.message)) : String(err)
    process.stderr.write(`qcc: ${text}\n`)
    process.exit(1)
  },
)
