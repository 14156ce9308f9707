/**
 * Running `qcc import qcc-plus` in tests (docs/contract.md §14): the command in process with its
 * output captured, and a dump of every qcc table as text to search for secrets.
 */
import mysql from 'mysql2/promise'
import { runImportCommand } from '../src/commands/import'
import { loadEnv } from '../src/index'

/** What one run printed and answered. */
export interface ImportRun {
  code: number
  stdout: string
  stderr: string
  /** The report's table lines, `name: ...` by table name. */
  tables: Record<string, string>
}

/** Runs the command against `dsn` with the given secret key and arguments. */
export async function runImport(
  env: { PROXY_MYSQL_DSN: string; QCC_SECRET_KEY: string; ADMIN_PASSWORD?: string },
  args: string[],
): Promise<ImportRun> {
  let stdout = ''
  let stderr = ''
  const code = await runImportCommand(loadEnv({ LOG_LEVEL: 'silent', ...env }), args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  })
  const tables: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const m = /^([a-z_]+): \d+ read/.exec(line)
    if (m) tables[m[1] as string] = line
  }
  return { code, stdout, stderr, tables }
}

/** Every row of every table of a database, as one string (secrets must not be in it). */
export async function dumpDatabase(serverUrl: string, database: string): Promise<string> {
  const conn = await mysql.createConnection({ uri: serverUrl, database })
  try {
    const [tables] = await conn.query(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [database],
    )
    let out = ''
    for (const { name } of tables as { name: string }[]) {
      const [rows] = await conn.query(`SELECT * FROM \`${name}\``)
      out += `${name}\n${JSON.stringify(rows, (_k, v) => (Buffer.isBuffer(v) ? v.toString('latin1') : v))}\n`
    }
    return out
  } finally {
    await conn.end()
  }
}

/** The report line a table should have. */
export const line = (
  table: string,
  read: number,
  created: number,
  updated: number,
  skipped: number,
) => `${table}: ${read} read, ${created} created, ${updated} updated, ${skipped} skipped`
