/**
 * The only module that reads `process.env`. Every variable is validated here once, at start-up;
 * a bad value stops the start with a message that names the variable.
 */
import { isIP } from 'node:net'
import { isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import { parseListenAddr, type ListenAddr } from './listen-addr'
import { parseRedisUrl } from './redis/url'

const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def)
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
/**
 * A secret with a well-known default: blank counts as unset, as `.env.example` leaves these
 * blank (the default then works from loopback clients only, docs/contract.md §9).
 */
const secretWithDefault = (def: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : v))
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v))

function isRedisUrl(v: string): boolean {
  try {
    parseRedisUrl(v)
    return true
  } catch {
    return false
  }
}

/** `10.0.0.1`, `::1`, `10.0.0.0/8`, `fd00::/8`. */
function isAddressOrCidr(entry: string): boolean {
  const [addr = '', bits, extra] = entry.split('/')
  const family = isIP(addr)
  if (family === 0 || extra !== undefined) return false
  if (bits === undefined) return true
  const n = Number(bits)
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128)
}

const envSchema = z.object({
  LISTEN_ADDR: z.string().default(':8000'),
  UPSTREAM_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.anthropic.com'),
  UPSTREAM_API_KEY: optionalString,
  UPSTREAM_NAME: z.string().min(1).default('default'),
  PROXY_RETRY_MAX: int(3, 1, 20),
  PROXY_FAIL_THRESHOLD: int(3, 1, 100),
  PROXY_HEALTH_INTERVAL_SEC: int(30, 1, 3600),
  PROXY_HEALTH_SWEEP_SEC: int(300, 1, 86_400),
  PROXY_MYSQL_DSN: optionalString,
  ADMIN_API_KEY: secretWithDefault('admin'),
  ADMIN_PASSWORD: secretWithDefault('admin123'),
  DEFAULT_ACCOUNT_NAME: z.string().min(1).default('default'),
  DEFAULT_PROXY_API_KEY: secretWithDefault('default-proxy-key'),
  CF_API_TOKEN: optionalString,
  TUNNEL_SUBDOMAIN: optionalString,
  TUNNEL_ZONE: optionalString,
  TUNNEL_ENABLED: bool(false),
  // The cloudflared binary the tunnel runs (the Docker image has it on PATH).
  TUNNEL_CLOUDFLARED_PATH: z.string().min(1).default('cloudflared'),
  // Only tests point this elsewhere (a fake Cloudflare API).
  CF_API_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.cloudflare.com/client/v4'),
  // Notifications: the same event for the same node and channel is sent once per window.
  NOTIFY_DEDUP_SEC: int(300, 0, 86_400),
  PROXY_STREAM_KEEPALIVE_SEC: int(15, 1, 3600),
  PROXY_FIRST_BYTE_TIMEOUT_SEC: int(60, 1, 3600),
  PROXY_CONNECT_TIMEOUT_SEC: int(10, 1, 600),
  PROXY_REQUEST_TIMEOUT_SEC: int(600, 1, 86_400),
  PROXY_STREAM_IDLE_TIMEOUT_SEC: int(300, 1, 86_400),
  PROXY_CLIENT_HEADERS_TIMEOUT_SEC: int(30, 1, 3600),
  PROXY_USAGE_RETENTION_DAYS: int(90, 1, 36_500),
  PROXY_HEALTH_RETENTION_DAYS: int(30, 1, 36_500),
  PROXY_MAX_BODY_BYTES: int(33_554_432, 1024, 1024 * 1024 * 1024),
  PROXY_COOLDOWN_MAX_SEC: int(600, 1, 86_400),
  PROXY_STICKY_TTL_SEC: int(3600, 0, 7 * 86_400),
  PROXY_DRAIN_TIMEOUT_SEC: int(30, 0, 3600),
  PROXY_ALLOW_PRIVATE_UPSTREAMS: bool(false),
  PROXY_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every(isAddressOrCidr), 'expected IP addresses or CIDR ranges'),
  PROXY_METRICS_TOKEN: optionalString,
  // Replicas share limits and hot state through Redis (docs/contract.md §11); unset: one replica's
  // own memory. The URL may carry a password: a secret.
  PROXY_REDIS_URL: optionalString.pipe(
    z
      .string()
      .refine(isRedisUrl, 'expected redis://[user:pass@]host:port[/db] or rediss://…')
      .optional(),
  ),
  PROXY_REDIS_PREFIX: z.string().max(64).default('qcc:'),
  // How clients reach qcc (`https://gw.example.com`, a path prefix kept): links and the
  // settings.json install commands are built from it instead of the request's Host header.
  PROXY_PUBLIC_URL: optionalString.pipe(
    z
      .url({ protocol: /^https?$/ })
      .refine((v) => !/[?#]/.test(v), 'must not have a query or fragment')
      .transform((v) => {
        const u = new URL(v)
        return `${u.origin}${u.pathname.replace(/\/+$/, '')}`
      })
      .optional(),
  ),
  // Admin login sessions: idle lifetime (renewed while used) and hard maximum age.
  PROXY_SESSION_TTL_SEC: int(86_400, 1, 30 * 86_400),
  PROXY_SESSION_MAX_AGE_SEC: int(7 * 86_400, 1, 365 * 86_400),
  QCC_SECRET_KEY: optionalString,
  QCC_DATA_DIR: z.string().default('./data'),
  QCC_ADMIN_DIR: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  INIT_CWD: optionalString,
  // The benchmark's side-by-side comparison only (docs/contract.md §12): `off` records no trace.
  QCC_BENCH_TRACE: z.enum(['on', 'off']).default('on'),
  // `qcc message` (docs/contract.md §6.2)
  ANTHROPIC_AUTH_TOKEN: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString,
  MODEL: optionalString,
  WARMUP_MODEL: optionalString,
  NO_WARMUP: optionalString,
})

export type RawEnv = z.infer<typeof envSchema>
export type Env = Omit<RawEnv, 'LISTEN_ADDR' | 'QCC_DATA_DIR' | 'INIT_CWD'> & {
  LISTEN_ADDR: ListenAddr
  /** Absolute; relative values are resolved against the directory qcc was started from. */
  QCC_DATA_DIR: string
}

export class EnvError extends Error {
  override name = 'EnvError'
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`invalid environment variable ${variable}: ${message}`)
  }
}

/**
 * Parses and validates an environment (by default `process.env`).
 * @throws {EnvError} naming the first bad variable
 */
export function loadEnv(
  source: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): Env {
  const parsed = envSchema.safeParse(source)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const variable = String(issue?.path[0] ?? 'environment')
    throw new EnvError(variable, issue?.message ?? 'invalid value')
  }
  const raw = parsed.data
  let listen: ListenAddr
  try {
    listen = parseListenAddr(raw.LISTEN_ADDR)
  } catch (err) {
    throw new EnvError('LISTEN_ADDR', (err as Error).message)
  }
  const base = raw.INIT_CWD ?? cwd
  const dataDir = isAbsolute(raw.QCC_DATA_DIR) ? raw.QCC_DATA_DIR : resolve(base, raw.QCC_DATA_DIR)
  const { INIT_CWD: _ignored, ...rest } = raw
  return { ...rest, LISTEN_ADDR: listen, QCC_DATA_DIR: dataDir }
}

/** Names of variables whose values are secrets (masked by the env viewer and logs). */
export const SECRET_ENV_NAMES = new Set([
  'UPSTREAM_API_KEY',
  'PROXY_MYSQL_DSN',
  'ADMIN_API_KEY',
  'ADMIN_PASSWORD',
  'DEFAULT_PROXY_API_KEY',
  'CF_API_TOKEN',
  'PROXY_METRICS_TOKEN',
  'PROXY_REDIS_URL',
  'QCC_SECRET_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_API_KEY',
])

/**
 * The environment a child process (cloudflared) gets: `PATH` and `HOME` only, so no secret of
 * qcc's reaches it.
 */
export function childProcessEnv(source: Record<string, string | undefined> = process.env) {
  const env: Record<string, string> = {}
  for (const name of ['PATH', 'HOME']) {
    const value = source[name]
    if (value !== undefined) env[name] = value
  }
  return env
}

/**
 * The environment of a child qcc process (`qcc import` runs its work in one): this one's, with
 * malloc limited to two arenas unless `MALLOC_ARENA_MAX` is set (freed buffers get reused
 * instead of kept per thread).
 */
export function qccChildEnv(): Record<string, string | undefined> {
  return { MALLOC_ARENA_MAX: '2', ...process.env }
}
