/**
 * `qcc import qcc-plus --from <DSN|sqlite:path> [--dry-run] [--with-history]` (docs/contract.md
 * §14.1): exit 0 when the import ran (skipped rows included), 1 when it failed, 2 on bad
 * arguments. The report goes to stdout; progress to stderr on a terminal only.
 */
import { redactSecrets } from '@qcc/core'
import { createStore, pendingMigrations, type Store } from '@qcc/store'
import type { Env } from '../env'
import { importQccPlus } from '../import/qcc-plus/importer'
import { NO_PROGRESS, terminalProgress } from '../import/qcc-plus/report'
import { openQccPlusSource, parseSourceLocation, SourceDsnError } from '../import/qcc-plus/source'
import { dryWrites, storeWrites } from '../import/qcc-plus/target'
import { createLogger } from '../observability/logger'
import { resolveSecretKey } from '../secret-key'

/** Output streams of the command (process.stdout / stderr in the CLI). */
export interface ImportStreams {
  stdout: { write(s: string): unknown }
  stderr: { write(s: string): unknown; isTTY?: boolean }
}

const USAGE = 'usage: qcc import qcc-plus --from <DSN|sqlite:path> [--dry-run] [--with-history]'

interface ImportArgs {
  from: string
  dryRun: boolean
  withHistory: boolean
}

/** Parses the arguments after `import`; a string is the error to print. */
export function parseImportArgs(args: readonly string[]): ImportArgs | string {
  const [what, ...rest] = args
  if (what !== 'qcc-plus')
    return what ? `unknown import source "${what}"` : 'what to import is missing'
  let from: string | undefined
  let dryRun = false
  let withHistory = false
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string
    if (a === '--dry-run') dryRun = true
    else if (a === '--with-history') withHistory = true
    else if (a === '--from') from = rest[++i]
    else if (a.startsWith('--from=')) from = a.slice('--from='.length)
    else return `unknown option "${a.split('=')[0]}"`
  }
  if (!from) return '--from is required'
  return { from, dryRun, withHistory }
}

/** Runs the command; answers the exit code. */
export async function runImportCommand(
  env: Env,
  args: readonly string[],
  io: ImportStreams,
): Promise<number> {
  const parsed = parseImportArgs(args)
  if (typeof parsed === 'string') {
    io.stderr.write(`qcc import: ${parsed}\n${USAGE}\n`)
    return 2
  }
  if (!env.PROXY_MYSQL_DSN) {
    io.stderr.write(
      'qcc import: PROXY_MYSQL_DSN is not set (the import writes into the MySQL store it names)\n',
    )
    return 2
  }
  let location
  try {
    location = parseSourceLocation(parsed.from)
  } catch (err) {
    if (!(err instanceof SourceDsnError)) throw err
    io.stderr.write(`qcc import: ${err.message}\n`)
    return 2
  }
  const known = [parsed.from, env.PROXY_MYSQL_DSN]
  const logger = createLogger(env.LOG_LEVEL)
  let store: Store | undefined
  let source: Awaited<ReturnType<typeof openQccPlusSource>> | undefined
  try {
    const secretKey = await resolveSecretKey({
      configured: env.QCC_SECRET_KEY,
      dataDir: env.QCC_DATA_DIR,
      persistent: true,
      logger,
    })
    // The source first: a wrong --from fails before the destination is touched (or migrated).
    source = await openQccPlusSource(location)
    store = await openDestination(env.PROXY_MYSQL_DSN, secretKey, parsed.dryRun)
    const report = await importQccPlus({
      source,
      store,
      writes: parsed.dryRun ? dryWrites() : storeWrites(store),
      dryRun: parsed.dryRun,
      withHistory: parsed.withHistory,
      secretKey,
      bootstrapAdminPassword: env.ADMIN_PASSWORD,
      progress: io.stderr.isTTY ? terminalProgress(io.stderr) : NO_PROGRESS,
    })
    if (parsed.dryRun) io.stdout.write('dry run: nothing was written; a real run would do this:\n')
    io.stdout.write(report.lines().join('\n') + '\n')
    return 0
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    io.stderr.write(`qcc import: failed: ${redactSecrets(message, known)}\n`)
    return 1
  } finally {
    await source?.close().catch(() => {})
    await store?.close().catch(() => {})
  }
}

/**
 * The destination: migrated and writable for a real run; for `--dry-run` opened without
 * migrating (nothing is written), or an empty memory store when qcc's tables are not there yet.
 */
async function openDestination(
  url: string,
  secretKey: Uint8Array,
  dryRun: boolean,
): Promise<Store> {
  if (!dryRun) return createStore({ kind: 'mysql', url, secretKey })
  const status = await pendingMigrations(url)
  if (!status.hasTables) return createStore({ kind: 'memory', secretKey })
  if (status.pending > 0) {
    throw new Error(
      `the destination needs ${status.pending} migration(s) before a dry run can read it: run qcc migrate, or import without --dry-run`,
    )
  }
  return createStore({ kind: 'mysql', url, secretKey, migrate: false })
}
