import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { pollUntil } from './wait'

// The built server (like cli.e2e.test.ts: the build precedes the tests). A replica in a process
// of its own can die the hard way: SIGKILL runs none of its cleanup (no release, no refresh).
const DIST_INDEX = fileURLToPath(new URL('../dist/index.js', import.meta.url))

export interface ReplicaProcess {
  /** `http://127.0.0.1:<port>` of its listener. */
  readonly url: string
  /** The child's process id. */
  readonly pid: number
  /** SIGKILL, then waits for the exit; safe to call more than once. */
  kill(): Promise<void>
}

/**
 * Starts `startQcc` from dist in a child process on 127.0.0.1:0, silent, with `env` and the
 * runtime option `limitLeaseMs`; resolves once it listens (at most 15 s).
 */
export async function startReplicaProcess(
  env: Record<string, string>,
  options: { limitLeaseMs: number },
): Promise<ReplicaProcess> {
  if (!existsSync(DIST_INDEX)) throw new Error(`${DIST_INDEX} is missing: run \`pnpm build\``)
  const script = [
    `import { loadEnv, startQcc } from ${JSON.stringify(pathToFileURL(DIST_INDEX).href)}`,
    `const qcc = await startQcc(loadEnv(process.env), { limitLeaseMs: ${options.limitLeaseMs} })`,
    `process.stdout.write(JSON.stringify({ url: qcc.url }) + '\\n')`,
  ].join('\n')
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', LISTEN_ADDR: '127.0.0.1:0', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  try {
    const url = await pollUntil(
      'the replica process listening',
      () => {
        if (child.exitCode !== null) throw new Error(`replica exited: ${stderr}`)
        const line = stdout.split('\n').find((l) => l.startsWith('{'))
        return line === undefined ? undefined : (JSON.parse(line) as { url: string }).url
      },
      { timeoutMs: 15_000 },
    )
    return { url, pid: child.pid as number, kill }
  } catch (err) {
    await kill()
    throw err
  }
}
