import { isIP } from 'node:net'
import type { RedisOptions } from 'ioredis'

/** Why a Redis URL was refused; the message never carries the URL's password. */
export type RedisUrlErrorCode = 'invalid_url' | 'unsupported_scheme' | 'invalid_db'

/** A `PROXY_REDIS_URL` that cannot be used (docs/contract.md §11). */
export class RedisUrlError extends Error {
  override readonly name = 'RedisUrlError'
  constructor(
    readonly code: RedisUrlErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** Where a Redis URL points: ioredis's connection options and a description safe to log. */
export interface RedisTarget {
  options: Pick<RedisOptions, 'host' | 'port' | 'username' | 'password' | 'db' | 'tls'>
  /** `redis://user@host:port/db`: the URL without its password, for logs. */
  description: string
}

/**
 * Parses `redis://[user:pass@]host:port[/db]` or `rediss://…` (TLS) as docs/contract.md §11 gives
 * them. The parsing is ours rather than ioredis's so that the logged description and the error
 * messages provably leave the password out.
 * @throws {RedisUrlError} for anything else
 */
export function parseRedisUrl(raw: string): RedisTarget {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new RedisUrlError(
      'invalid_url',
      'not a URL (expected redis://[user:pass@]host:port[/db])',
    )
  }
  const scheme = url.protocol.slice(0, -1)
  if (scheme !== 'redis' && scheme !== 'rediss')
    throw new RedisUrlError('unsupported_scheme', `scheme ${scheme}: is not redis: or rediss:`)
  if (!url.hostname) throw new RedisUrlError('invalid_url', 'the URL names no host')
  const path = url.pathname.replace(/^\/+/, '')
  if (path !== '' && !/^\d{1,2}$/.test(path))
    throw new RedisUrlError('invalid_db', `database "${path}" is not a number`)
  // WHATWG keeps IPv6 hosts bracketed; net.connect and TLS want them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = url.port ? Number(url.port) : 6379
  const db = path === '' ? 0 : Number(path)
  const username = url.username ? decodeURIComponent(url.username) : undefined
  const password = url.password ? decodeURIComponent(url.password) : undefined
  const tls = scheme === 'rediss' ? (isIP(host) ? {} : { servername: host }) : undefined
  const who = username ? `${encodeURIComponent(username)}@` : ''
  return {
    options: { host, port, db, username, password, tls },
    description: `${scheme}://${who}${url.hostname}:${port}/${db}`,
  }
}
