import { randomBytes } from 'node:crypto'
import net from 'node:net'
import mysql from 'mysql2/promise'
import { afterAll } from 'vitest'
import { createStore } from '../../src/create-store'
import { connectionOptions } from '../../src/mysql/connection'
import { parseMysqlDsn } from '../../src/mysql/dsn'
import { QCC_TABLES } from '../../src/mysql/migrate'
import {
  type ContractHarness,
  type OpenOptions,
  type ReopenOptions,
  TEST_SCRYPT,
  TEST_SECRET_KEY,
} from './harness'

/** The server MySQL tests use (CI provides MariaDB there). */
export const MYSQL_TEST_SERVER = process.env.QCC_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'

/** A TCP relay in front of the database that tests can switch off to simulate an outage. */
export class OutageProxy {
  readonly #server: net.Server
  readonly #sockets = new Set<net.Socket>()
  #down = false

  constructor(target: { host: string; port: number }) {
    this.#server = net.createServer((client) => {
      if (this.#down) return void client.destroy()
      const upstream = net.connect(target.port, target.host)
      for (const s of [client, upstream]) {
        this.#sockets.add(s)
        s.on('close', () => this.#sockets.delete(s))
        s.on('error', () => undefined)
      }
      client.pipe(upstream).pipe(client)
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
    })
  }

  /** Starts listening on an ephemeral port; returns it. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    return (this.#server.address() as net.AddressInfo).port
  }

  /** Down: every open connection is cut and new ones are refused until up again. */
  setDown(down: boolean): void {
    this.#down = down
    if (down) for (const s of this.#sockets) s.destroy()
  }

  async close(): Promise<void> {
    this.setDown(true)
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}

/** True when the server answers within 3 s; else the reason. */
export async function probeServer(url: string): Promise<true | string> {
  try {
    const conn = await mysql.createConnection({
      ...connectionOptions(parseMysqlDsn(url), ''),
      connectTimeout: 3000,
    })
    await conn.end()
    return true
  } catch (error) {
    return error instanceof Error ? error.message || String(error) : String(error)
  }
}

/** A fresh database with a random name, an outage proxy in front, and a contract harness. */
export async function createMysqlHarness(serverUrl: string) {
  const dsn = parseMysqlDsn(serverUrl)
  const database = `qcc_test_${randomBytes(6).toString('hex')}`
  const admin = await mysql.createConnection(connectionOptions(dsn, ''))
  await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
  await admin.query(`USE ${database}`)
  const proxy = new OutageProxy(dsn)
  const port = await proxy.listen()
  const auth = dsn.user
    ? `${encodeURIComponent(dsn.user)}:${encodeURIComponent(dsn.password)}@`
    : ''
  const url = `mysql://${auth}127.0.0.1:${port}/${database}`
  let last: OpenOptions = {}
  const open = (o: OpenOptions & ReopenOptions) =>
    createStore({
      kind: 'mysql',
      url,
      secretKey: TEST_SECRET_KEY,
      passwordHash: TEST_SCRYPT,
      pollIntervalMs: 200,
      ...o,
    })

  const harness: ContractHarness = {
    async open(options = {}) {
      const [tables] = await admin.query('SHOW TABLES')
      if ((tables as unknown[]).length > 0) {
        for (const t of QCC_TABLES) await admin.query(`TRUNCATE TABLE ${t}`)
        await admin.query(
          "INSERT INTO qcc_meta (name, value, num) VALUES ('owner', 'qcc', 0), ('change_version', NULL, 0)",
        )
      }
      last = options
      return open(options)
    },
    reopen: (o) => open({ ...last, ...o }),
    async dump() {
      const parts: unknown[] = []
      for (const t of QCC_TABLES) parts.push(t, (await admin.query(`SELECT * FROM ${t}`))[0])
      return JSON.stringify(parts)
    },
    async setDown(_store, down) {
      proxy.setDown(down)
    },
    nodeRow: {
      async get(_store, id) {
        const [rows] = await admin.query(
          'SELECT api_key_enc AS sealedKey, base_url AS baseUrl, extra_headers_enc AS sealedHeaders FROM qcc_nodes WHERE id = ?',
          [id],
        )
        type Raw = { sealedKey: string | null; baseUrl: string; sealedHeaders: string | null }
        const row = (rows as Raw[])[0]
        if (!row) throw new Error(`no node row ${id}`)
        return row
      },
      async set(_store, id, patch) {
        if (patch.sealedKey !== undefined) {
          await admin.query('UPDATE qcc_nodes SET api_key_enc = ? WHERE id = ?', [
            patch.sealedKey,
            id,
          ])
        }
        if (patch.baseUrl !== undefined) {
          await admin.query('UPDATE qcc_nodes SET base_url = ? WHERE id = ?', [patch.baseUrl, id])
        }
      },
    },
  }
  return {
    harness,
    url,
    database,
    admin,
    proxy,
    async dispose() {
      await proxy.close()
      await admin.query(`DROP DATABASE IF EXISTS ${database}`)
      await admin.end()
    },
  }
}

/**
 * Decides whether the MySQL tests run: true when `url` answers. When it does not, in CI
 * (`ci` = the CI variable, set and not `0`/`false`) this throws so the suite fails; locally it warns with the reason and answers it.
 */
export async function requireServer(url: string, ci: string | undefined): Promise<true | string> {
  const isCI = ci !== undefined && !['', '0', 'false'].includes(ci.toLowerCase())
  const reachable = await probeServer(url)
  if (reachable === true) return true
  if (isCI) throw new Error(`MySQL tests must run in CI, but ${url} is unreachable: ${reachable}`)
  console.warn(`[@qcc/store] MySQL tests SKIPPED: ${url} is unreachable (${reachable})`)
  return reachable
}

/**
 * A harness for a server that is not there: the suite registers its tests against it, skipped,
 * so the report lists every MySQL contract test that did not run and why.
 */
export function unreachableHarness(reason: string): ContractHarness {
  const fail = async (): Promise<never> => {
    throw new Error(`no MySQL server: ${reason}`)
  }
  return { open: fail, dump: fail, setDown: fail, nodeRow: { get: fail, set: fail } }
}

/** What {@link createMysqlHarness} gives. */
export type MysqlHarness = Awaited<ReturnType<typeof createMysqlHarness>>

/**
 * The MySQL harness of one test file (a fresh database, dropped after the file), or null where
 * no server answers, which never happens in CI (`requireServer` throws there). `label` names the
 * server, or why the file's tests are skipped.
 */
export async function mysqlHarnessForFile(): Promise<{
  env: MysqlHarness | null
  label: string
  unreachable: string
}> {
  const reachable = await requireServer(MYSQL_TEST_SERVER, process.env.CI)
  const env = reachable === true ? await createMysqlHarness(MYSQL_TEST_SERVER) : null
  afterAll(() => env?.dispose())
  const unreachable = reachable === true ? '' : reachable
  const label = env
    ? MYSQL_TEST_SERVER
    : `skipped: ${MYSQL_TEST_SERVER} unreachable: ${unreachable}`
  return { env, label, unreachable }
}
