import { describe, expect, it } from 'vitest'
import { loadEnv } from '../env'
import { parseSourceLocation, SourceDsnError } from '../import/qcc-plus/source'
import { parseImportArgs, runImportCommand } from './import'

// docs/contract.md §14.1: arguments, exit codes, and no secret in what the command prints.
async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await runImportCommand(
    loadEnv({ LOG_LEVEL: 'silent', QCC_SECRET_KEY: 'ab'.repeat(32), ...env }),
    args,
    {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
    },
  )
  return { code, stdout, stderr }
}

describe('qcc import', () => {
  it('parses its arguments', () => {
    expect(parseImportArgs(['qcc-plus', '--from', 'sqlite:/x.db', '--dry-run'])).toEqual({
      from: 'sqlite:/x.db',
      dryRun: true,
      withHistory: false,
    })
    expect(parseImportArgs(['qcc-plus', '--from=sqlite:/x.db', '--with-history'])).toMatchObject({
      withHistory: true,
    })
    expect(parseImportArgs(['qcc-plus'])).toBe('--from is required')
    expect(parseImportArgs(['other'])).toBe('unknown import source "other"')
    expect(parseImportArgs(['qcc-plus', '--from', 'x', '--force=1'])).toBe(
      'unknown option "--force"',
    )
  })

  it('reads every --from form qcc_plus deployments use', () => {
    expect(parseSourceLocation('sqlite:/data/qccplus.db')).toEqual({
      kind: 'sqlite',
      path: '/data/qccplus.db',
    })
    expect(parseSourceLocation('sqlite:///data/qccplus.db')).toEqual({
      kind: 'sqlite',
      path: '/data/qccplus.db',
    })
    expect(parseSourceLocation('u:p@tcp(db.internal:3307)/qccplus?parseTime=true')).toMatchObject({
      kind: 'mysql',
      dsn: { host: 'db.internal', port: 3307, user: 'u', password: 'p', database: 'qccplus' },
    })
    expect(parseSourceLocation('mysql://u:p@127.0.0.1/qccplus')).toMatchObject({
      dsn: { port: 3306 },
    })
    expect(() => parseSourceLocation('mysql://u:p@127.0.0.1')).toThrow(SourceDsnError)
    expect(() => parseSourceLocation('sqlite:')).toThrow(SourceDsnError)
  })

  it('exits 2 on bad arguments or without PROXY_MYSQL_DSN, naming what is wrong', async () => {
    expect(await run(['qcc-plus'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--from is required'),
    })
    const noDsn = await run(['qcc-plus', '--from', 'sqlite:/nope.db'])
    expect(noDsn).toMatchObject({ code: 2, stderr: expect.stringContaining('PROXY_MYSQL_DSN') })
    const bad = await run(['qcc-plus', '--from', 'mysql://u:hunter2-secret@'], {
      PROXY_MYSQL_DSN: 'mysql://root@127.0.0.1:3306/x',
    })
    expect(bad.code).toBe(2)
    expect(bad.stderr).not.toContain('hunter2-secret')
  })

  it('exits 1 when the source cannot be opened, without printing its password', async () => {
    const out = await run(
      ['qcc-plus', '--from', 'mysql://qcc:hunter2-secret@127.0.0.1:1/qccplus'],
      {
        PROXY_MYSQL_DSN: 'mysql://root:dest-secret-pw@127.0.0.1:1/qcc',
      },
    )
    expect(out.code).toBe(1)
    expect(out.stderr).toMatch(/^qcc import: failed: /)
    expect(out.stderr + out.stdout).not.toMatch(/hunter2-secret|dest-secret-pw/)
    const missing = await run(['qcc-plus', '--from', 'sqlite:/no/such/qccplus.db'], {
      PROXY_MYSQL_DSN: 'mysql://root@127.0.0.1:1/qcc',
    })
    expect(missing.code).toBe(1)
  })
})
