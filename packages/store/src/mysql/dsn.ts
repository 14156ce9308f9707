import { StoreError } from '../errors'

/** Connection settings parsed from a DSN. */
export interface MysqlDsn {
  host: string
  port: number
  user: string
  password: string
  /** Empty when the DSN names no database. */
  database: string
  /** Set for Go's `unix(/path)` form. */
  socketPath?: string
  /** TLS requested (`ssl=true` / Go `tls=true`; `skip-verify` also disables verification). */
  tls?: { rejectUnauthorized: boolean }
  /** The remaining query parameters (Go's `parseTime`, `loc`, ... are accepted and ignored). */
  params: Record<string, string>
}

const bad = (why: string) =>
  new StoreError('invalid', `PROXY_MYSQL_DSN is not a valid MySQL DSN: ${why}`)

function parseParams(query: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(query))
}

function withTls(d: Omit<MysqlDsn, 'tls'>): MysqlDsn {
  const t = (d.params.tls ?? d.params.ssl ?? '').toLowerCase()
  if (t === 'true' || t === '1' || t === 'preferred' || t === 'required') {
    return { ...d, tls: { rejectUnauthorized: true } }
  }
  if (t === 'skip-verify') return { ...d, tls: { rejectUnauthorized: false } }
  return d
}

function parseUrlForm(dsn: string): MysqlDsn {
  let u: URL
  try {
    u = new URL(dsn)
  } catch {
    throw bad('cannot parse the URL')
  }
  if (!u.hostname) throw bad('no host')
  const port = u.port ? Number(u.port) : 3306
  return withTls({
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
    params: parseParams(u.search),
  })
}

/** Go's go-sql-driver form: `[user[:password]@][net[(addr)]]/dbname[?params]`. */
function parseGoForm(dsn: string): MysqlDsn {
  const q = dsn.indexOf('?')
  const main = q === -1 ? dsn : dsn.slice(0, q)
  const params = parseParams(q === -1 ? '' : dsn.slice(q + 1))
  const slash = main.lastIndexOf('/')
  if (slash === -1) throw bad('missing "/dbname"')
  const database = main.slice(slash + 1)
  const head = main.slice(0, slash)
  const at = head.lastIndexOf('@')
  const userInfo = at === -1 ? '' : head.slice(0, at)
  const netAddr = at === -1 ? head : head.slice(at + 1)
  const colon = userInfo.indexOf(':')
  const user = colon === -1 ? userInfo : userInfo.slice(0, colon)
  const password = colon === -1 ? '' : userInfo.slice(colon + 1)
  const m = /^(\w+)?(?:\((.*)\))?$/.exec(netAddr)
  if (!m) throw bad(`cannot parse the address "${netAddr}"`)
  const net = m[1] ?? 'tcp'
  const addr = m[2] ?? ''
  if (net === 'unix') {
    return withTls({
      host: 'localhost',
      port: 3306,
      user,
      password,
      database,
      socketPath: addr,
      params,
    })
  }
  if (net !== 'tcp') throw bad(`unsupported network "${net}"`)
  const hp = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d+))?$/.exec(addr)
  if (!hp) throw bad(`cannot parse the address "${addr}"`)
  const host = hp[1] ?? hp[2] ?? ''
  return withTls({
    host: host || '127.0.0.1',
    port: hp[3] ? Number(hp[3]) : 3306,
    user,
    password,
    database,
    params,
  })
}

/**
 * Parses `mysql://user:pass@host:3306/db?...` (also `mariadb://`) and the Go form
 * `user:pass@tcp(host:3306)/db?parseTime=true` that qcc_plus users already have.
 * @throws StoreError `invalid`, naming `PROXY_MYSQL_DSN` but never echoing the password
 */
export function parseMysqlDsn(dsn: string): MysqlDsn {
  if (typeof dsn !== 'string' || dsn.trim() === '') throw bad('empty')
  const s = dsn.trim()
  const parsed = /^(mysql|mariadb):\/\//i.test(s) ? parseUrlForm(s) : parseGoForm(s)
  if (!Number.isInteger(parsed.port) || parsed.port < 1 || parsed.port > 65535) {
    throw bad('bad port')
  }
  return parsed
}
