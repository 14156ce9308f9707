import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '@qcc/testing'
import type { RunningQcc } from '../src/index'
import { AdminClient, loggedIn, messages } from './admin-harness'
import { claudeEnv, runClaude } from './claude-cli'
import { dumpDatabase, line, runImport, type ImportRun } from './import-harness'
import {
  createMysqlSource,
  createSqliteSource,
  QCC_PLUS_FIXTURE as F,
  tableChecksums,
  type QccPlusSource,
} from './qcc-plus-source'
import { MESSAGE_BODY, startTestQcc } from './start-qcc'

// docs/contract.md §14: the import of test/fixtures/qcc-plus, from MariaDB and from a SQLite file,
// into a real MariaDB destination. CI provides MariaDB (docs/contract.md §6.3).
const SERVER = process.env.QCC_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
const SECRET_KEY = 'a7'.repeat(32)
const RED = 'acc-1760000000123456789'

/** The first run's lines (with history), as docs/contract.md §14.1 decides for the fixture. */
const FIRST_RUN = [
  line('accounts', 5, 4, 0, 1),
  line('nodes', 7, 6, 0, 1),
  line('config', 2, 2, 0, 0),
  line('settings', 10, 1, 0, 2),
  line('model_pricing', 12, 9, 0, 3),
  line('monitor_shares', 4, 4, 0, 0),
  line('notification_channels', 2, 2, 0, 0),
  line('notification_subscriptions', 5, 4, 0, 1),
  line('tunnel_config', 1, 1, 0, 0),
  `${line('notification_history', 2, 0, 0, 0)} (not imported: qcc keeps no delivery history)`,
  line('health_check_history', 6, 6, 0, 0),
  line('usage_logs', 4, 4, 0, 0),
  `${line('node_metrics_raw', 16, 12, 0, 0)} (4 covered by finer rows or usage_logs)`,
  `${line('node_metrics_hourly', 5, 2, 0, 0)} (3 covered by finer rows or usage_logs)`,
  `${line('node_metrics_daily', 2, 1, 0, 0)} (1 covered by finer rows or usage_logs)`,
  line('node_metrics_monthly', 1, 1, 0, 0),
]
const SKIPPED = [
  `skipped accounts acc-1760000000999999999 (Team-Red): duplicate of ${RED}'s name in the source (the oldest wins)`,
  'skipped nodes node-x1 (dup-node): account skipped',
  'skipped settings 8 (proxy.retry_max): installation-wide in qcc: set PROXY_RETRY_MAX=4',
  'skipped notification_subscriptions sub-wecom-quota (account.quota_warning): qcc has no such event',
  'note accounts acc-1760000001000000000 (nopass): empty password: it cannot log in until an admin sets one',
]

/** Every table line of a run that changed nothing. */
function unchangedLines(run: ImportRun): string[] {
  return Object.values(run.tables).filter((l) => !/ 0 created, 0 updated,/.test(l))
}

const sourceKey = (id: string) => F.nodes.find((n) => n.sourceId === id)?.apiKey

describe.each(['mysql', 'sqlite'] as const)('qcc import qcc-plus from %s', (kind) => {
  let source: QccPlusSource
  let up: FakeUpstream
  let conn: mysql.Connection
  let dir: string
  let qcc: RunningQcc | undefined
  const dest = `qcc_import_${kind}_${randomBytes(4).toString('hex')}`
  const env = { PROXY_MYSQL_DSN: `${SERVER}/${dest}`, QCC_SECRET_KEY: SECRET_KEY }
  const runs: ImportRun[] = []
  const run = async (...flags: string[]) => {
    const r = await runImport(env, ['qcc-plus', '--from', source.dsn, '--with-history', ...flags])
    runs.push(r)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    return r
  }

  beforeAll(async () => {
    up = await startFakeUpstream()
    dir = await mkdtemp(join(tmpdir(), 'qcc-import-'))
    source = kind === 'mysql' ? await createMysqlSource(SERVER) : await createSqliteSource(dir)
    await source.exec('UPDATE nodes SET base_url = ?', [up.url])
    conn = await mysql.createConnection(SERVER)
    await conn.query(`CREATE DATABASE \`${dest}\``)
  })

  afterAll(async () => {
    await qcc?.close()
    await source?.close()
    await up?.close()
    await conn?.query(`DROP DATABASE IF EXISTS \`${dest}\``)
    await conn?.end()
    await rm(dir, { recursive: true, force: true })
  })

  it('a dry run against an empty destination reports every row as new and writes nothing', async () => {
    const before = await tableChecksums(SERVER, dest)
    const dry = await run('--dry-run')
    expect(dry.stdout).toMatch(/^dry run: nothing was written/)
    expect(Object.values(dry.tables)).toEqual(FIRST_RUN)
    expect(await tableChecksums(SERVER, dest)).toEqual(before)
    expect(before).toEqual({})
  })

  it('imports every table; a second run changes nothing; a changed row updates just that row', async () => {
    const first = await run()
    expect(Object.values(first.tables)).toEqual(FIRST_RUN)
    for (const l of SKIPPED) expect(first.stdout).toContain(l)
    const imported = await tableChecksums(SERVER, dest)

    const second = await run()
    expect(unchangedLines(second)).toEqual([])
    expect(await tableChecksums(SERVER, dest)).toEqual(imported)

    await source.exec("UPDATE nodes SET weight = 7 WHERE id = 'node-r1'")
    const third = await run()
    expect(third.tables.nodes).toBe(line('nodes', 7, 0, 1, 1))
    expect(unchangedLines(third)).toEqual([third.tables.nodes])
    const updated = await tableChecksums(SERVER, dest)

    const dry = await run('--dry-run')
    expect(unchangedLines(dry)).toEqual([])
    expect(await tableChecksums(SERVER, dest)).toEqual(updated)
    const [audit] = await conn.query(
      `SELECT COUNT(*) AS n FROM \`${dest}\`.qcc_audit_log WHERE action = 'import.qcc_plus'`,
    )
    expect((audit as { n: number }[])[0]?.n).toBe(2)
  })

  it('after the import, old logins, keys, nodes, shares and history work in qcc', async () => {
    qcc = await startTestQcc({ ...env, PROXY_HEALTH_INTERVAL_SEC: '3600' })
    for (const a of F.accounts.filter((a) => a.imported && a.password)) {
      await loggedIn(qcc, a.name, a.password)
    }
    expect(
      (await AdminClient.for(qcc).post('/login', { username: 'nopass', password: '' })).status,
    ).not.toBe(200)

    // The old proxy keys route to the old nodes with their old upstream keys.
    for (const [key, node] of [
      ['sk-qccplus-red-0003', 'node-r1'],
      ['sk-qccplus-default-0001', 'node-d1'],
      ['sk-qccplus-admin-0002', 'node-a1'],
    ] as const) {
      const res = await messages(qcc.url, key, MESSAGE_BODY)
      expect(res.status, key).toBe(200)
      await res.text()
      expect(up.requests.at(-1)?.headers['x-api-key'], key).toBe(sourceKey(node))
    }
    expect((await messages(qcc.url, 'sk-qccplus-dup-0004', MESSAGE_BODY)).status).toBe(401)

    const admin = await loggedIn(qcc, 'admin', 'Adm1n-old-pass')
    const accounts = (await admin.get('/admin/api/accounts')).json as {
      accounts: { id: string; name: string }[]
    }
    const red = accounts.accounts.find((a) => a.name === 'team-red')
    expect(red).toBeDefined()
    const nodes = (await admin.get(`/admin/api/nodes?account_id=${red?.id}`)).json as {
      nodes: {
        id: string
        name: string
        weight: number
        disabled: boolean
        active: boolean
        status: string
        last_error: string | null
      }[]
    }
    const byName = new Map(nodes.nodes.map((n) => [n.name, n]))
    expect(byName.get('red-primary')?.weight).toBe(7)
    // config.active_node became the activated node.
    expect(nodes.nodes.filter((n) => n.active).map((n) => n.name)).toEqual(['red-primary'])
    expect(byName.get('red-backup')?.disabled).toBe(true)
    expect(byName.get('red-broken')?.status).toBe('failed')
    expect(byName.get('red-broken')?.last_error).toBe(
      'imported: upstream 502: bad gateway from relay (key [redacted])',
    )

    for (const s of F.shares) {
      const res = await fetch(`${qcc.url}/api/monitor/share/${s.token}`)
      expect(res.status, s.id).toBe(s.opens ? 200 : 404)
    }

    // History: metrics periods and usage_logs as usage rollups, health checks as history.
    const series = (
      await admin.get(
        `/admin/api/usage/series?bucket=day&account_id=${red?.id}&from=2026-08-01T00:00:00Z&to=2026-11-21T00:00:00Z`,
      )
    ).json as { points: { at: string; requests: number; cost_usd: number }[] }
    const total = series.points.reduce((n, p) => n + p.requests, 0)
    expect(total).toBe(5200 + 310 + 40 + 25 + 12 + 4)
    // Each period sits at its first minute and hour too (docs/contract.md §14.1).
    const sum = async (bucket: string, from: string, to: string) => {
      const answer = await admin.get(
        `/admin/api/usage/series?bucket=${bucket}&account_id=${red?.id}&from=${from}&to=${to}`,
      )
      return (answer.json as { points: { requests: number }[] }).points.reduce(
        (n, p) => n + p.requests,
        0,
      )
    }
    expect(await sum('hour', '2026-11-18T00:00:00Z', '2026-11-20T00:00:00Z')).toBe(40 + 25 + 12 + 4)
    expect(await sum('minute', '2026-11-19T10:00:00Z', '2026-11-19T10:30:00Z')).toBe(4)
    expect(await sum('hour', '2026-09-01T00:00:00Z', '2026-09-01T02:00:00Z')).toBe(5200)
    const primary = byName.get('red-primary')
    const health = (
      await admin.get(
        `/admin/api/health/history?node_id=${primary?.id}&from=2026-11-01T00:00:00Z&to=2026-11-21T00:00:00Z`,
      )
    ).json as {
      checks: { ok: boolean; error: string | null }[]
    }
    expect(health.checks.length).toBe(
      F.healthChecks.filter((h) => h.nodeSourceId === 'node-r1').length,
    )
  })

  it('Claude Code works with an old proxy key against the old node', async () => {
    const home = await mkdtemp(join(dir, 'home-'))
    const before = up.requests.length
    const out = await runClaude(
      ['-p', 'say hi'],
      claudeEnv(qcc?.url ?? '', 'sk-qccplus-red-0003', home),
      90_000,
    )
    expect(out.code, out.stderr).toBe(0)
    const sent = up.requests.slice(before).filter((r) => r.path.startsWith('/v1/messages'))
    expect(sent.length).toBeGreaterThan(0)
    for (const r of sent) expect(r.headers['x-api-key']).toBe(sourceKey('node-r1'))
  }, 120_000)

  it('the qcc command runs the import in a child with a bounded heap and passes its exit code on', async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
    const out = await promisify(execFile)(
      process.execPath,
      [cli, 'import', 'qcc-plus', '--from', source.dsn, '--dry-run', '--with-history'],
      { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env }, timeout: 60_000 },
    )
    expect(out.stdout).toMatch(/^dry run: nothing was written/)
    expect(out.stdout).toContain(line('accounts', 5, 0, 0, 1))
    runs.push({ code: 0, stdout: out.stdout, stderr: out.stderr, tables: {} })
    const bad = await promisify(execFile)(process.execPath, [cli, 'import', 'qcc-plus'], {
      env: { PATH: process.env.PATH ?? '', ...env },
    }).catch((err: { code: number; stderr: string }) => err)
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--from is required') })
  })

  it('no secret of the source is in the output or in qcc’s database', async () => {
    const printed = runs.map((r) => r.stdout + r.stderr).join('\n')
    const stored = await dumpDatabase(SERVER, dest)
    for (const secret of F.secrets) {
      expect(printed.includes(secret), secret).toBe(false)
      expect(stored.includes(secret), secret).toBe(false)
    }
  })
})
