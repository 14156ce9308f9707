import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const root = join(import.meta.dirname, '../../..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')

/** Every variable of the zod schema in src/env.ts, the one module that reads the environment. */
function envVariables(): string[] {
  const source = read('apps/proxy/src/env.ts')
  const start = source.indexOf('const envSchema = z.object({')
  const end = source.indexOf('\n})', start)
  expect(start).toBeGreaterThan(-1)
  const names = [...source.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1])
  return names.filter((n): n is string => n !== undefined)
}

/** The variables a `.env` file sets (`NAME=value` lines; comments and blanks skipped). */
function dotenv(text: string): Map<string, string> {
  const vars = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (m) vars.set(m[1] as string, m[2] as string)
  }
  return vars
}

/**
 * Compose's interpolation of one value: `${VAR}`, `${VAR:-default}` and `${VAR:?error}` (which
 * stops `docker compose up` when VAR is unset or empty). Throws the error as compose would.
 */
function interpolate(value: string, vars: Map<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_all, name, op, arg) => {
    const set = vars.get(name as string) ?? ''
    if (set !== '') return set
    if (op === '?') throw new Error(`compose refuses to start: ${String(arg)}`)
    return op === '-' ? String(arg) : ''
  })
}

interface Compose {
  services: Record<string, Record<string, any>> // eslint-disable-line @typescript-eslint/no-explicit-any
  volumes: Record<string, unknown>
}

describe('deployment files', () => {
  const compose = parse(read('docker-compose.yml')) as Compose

  it('runs MySQL 8 with a health check and a volume', () => {
    const mysql = compose.services.mysql
    expect(mysql?.image).toMatch(/^mysql:8/)
    expect(mysql?.healthcheck?.test).toBeDefined()
    const volume = String(mysql?.volumes?.[0]).split(':')[0] ?? ''
    expect(compose.volumes).toHaveProperty(volume)
  })

  it('starts the proxy once MySQL is healthy, with .env and the data directory on a volume', () => {
    const qcc = compose.services.qcc
    expect(qcc?.build).toBeDefined()
    expect(qcc?.depends_on?.mysql?.condition).toBe('service_healthy')
    expect(qcc?.env_file).toContain('.env')
    expect(qcc?.environment?.PROXY_MYSQL_DSN).toMatch(/^mysql:\/\/.+@mysql:3306\//)
    const dataDir = qcc?.environment?.QCC_DATA_DIR as string
    const [volume, target] = String(qcc?.volumes?.[0]).split(':')
    expect(target).toBe(dataDir)
    expect(compose.volumes).toHaveProperty(volume ?? '')
    expect(qcc?.ports?.[0]).toMatch(/:8000$/)
  })

  it('documents every variable the proxy reads in .env.example and the README', () => {
    const names = envVariables()
    expect(names.length).toBeGreaterThan(30)
    const example = read('.env.example')
    const readme = read('README.md')
    const missing = names.filter(
      (n) => !new RegExp(`^(# ?)?${n}=`, 'm').test(example) || !readme.includes(`\`${n}\``),
    )
    expect(missing).toEqual([])
  })

  it('H3: .env.example holds no working secret, and compose needs real ones', () => {
    const example = dotenv(read('.env.example'))
    for (const name of ['ADMIN_PASSWORD', 'ADMIN_API_KEY', 'DEFAULT_PROXY_API_KEY']) {
      expect(example.get(name), name).toBe('')
    }
    const values = [...example.values()]
    for (const known of ['admin123', 'default123', 'admin', 'default-proxy-key']) {
      expect(values, known).not.toContain(known)
    }
    const env = compose.services.qcc?.environment as Record<string, string>
    // A copy of .env.example as .env stops `docker compose up` with a message naming the variable.
    expect(() => interpolate(env.ADMIN_PASSWORD ?? '', example)).toThrow(/set ADMIN_PASSWORD/)
    expect(() => interpolate(env.ADMIN_API_KEY ?? '', example)).toThrow(/set ADMIN_API_KEY/)
    const filled = new Map([...example, ['ADMIN_PASSWORD', 'pw-real-1'], ['ADMIN_API_KEY', 'k-1']])
    expect(interpolate(env.ADMIN_PASSWORD ?? '', filled)).toBe('pw-real-1')
    expect(interpolate(env.ADMIN_API_KEY ?? '', filled)).toBe('k-1')
    expect(interpolate(env.PROXY_MYSQL_DSN ?? '', filled)).toMatch(
      /^mysql:\/\/qcc:.+@mysql:3306\/qcc$/,
    )
  })

  it('explains the loopback rule for default credentials in the README', () => {
    const readme = read('README.md')
    expect(readme).toContain('### Default credentials')
    expect(readme).toMatch(/loopback/)
    for (const name of ['ADMIN_PASSWORD', 'ADMIN_API_KEY', 'DEFAULT_PROXY_API_KEY']) {
      expect(readme).toContain(`\`${name}\``)
    }
  })

  it('keeps the seed defaults in .env.example', () => {
    const example = read('.env.example')
    for (const line of ['LISTEN_ADDR=:8000', 'PROXY_RETRY_MAX=3', 'TUNNEL_ENABLED=false']) {
      expect(example).toContain(line)
    }
  })

  it('builds a slim non-root image that runs node directly, with a health check', () => {
    const dockerfile = read('Dockerfile')
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-slim$/m)
    expect(dockerfile).toMatch(/AS build[\s\S]*scripts\/build-image-contents\.sh \/out/)
    expect(dockerfile).toMatch(/^USER node$/m)
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m)
    expect(dockerfile).toContain('/usr/local/bin/cloudflared')
    expect(dockerfile).toMatch(/^CMD \["node", "--v8-pool-size=1", "dist\/cli\.js", "proxy"\]$/m)
    const script = read('scripts/build-image-contents.sh')
    expect(script).toContain('pnpm install --frozen-lockfile')
    expect(script).toContain('turbo run build')
    expect(script).toContain('deploy --prod')
  })

  it('runs the proxy with the same node flags everywhere it is started, the bench included', () => {
    const flags = ['--v8-pool-size=1']
    expect(read('apps/proxy/bench/qcc.mjs')).toContain(
      `export const QCC_NODE_FLAGS = [${flags.map((f) => `'${f}'`).join(', ')}]`,
    )
    expect(read('Dockerfile')).toContain(
      `CMD ["node", ${flags.map((f) => `"${f}"`).join(', ')}, "dist/cli.js", "proxy"]`,
    )
    const joined = flags.join(' ')
    expect(JSON.parse(read('package.json')).scripts.start).toBe(
      `exec node ${joined} scripts/start.mjs`,
    )
    expect(JSON.parse(read('apps/proxy/package.json')).scripts.start).toBe(
      `node ${joined} dist/cli.js proxy`,
    )
  })

  it('has the deployment section in the README', () => {
    const readme = read('README.md')
    expect(readme).toContain('## Deployment')
    expect(readme).toContain('docker compose up -d')
    for (const topic of ['Cloudflare Tunnel', 'Notifications', 'Upgrading', 'Backing up']) {
      expect(readme).toContain(`### ${topic}`)
    }
  })

  it('runs two replicas on one MySQL, one Redis and one secret key behind nginx', () => {
    // The replicas share one anchor (`<<: *qcc`): the merge keys are resolved as compose does.
    const replicas = parse(read('docker-compose.replicas.yml'), { merge: true }) as Compose
    const names = Object.keys(replicas.services).filter((n) => /^qcc-\d$/.test(n))
    expect(names).toEqual(['qcc-1', 'qcc-2'])
    const example = new Map([
      ...dotenv(read('.env.example')),
      ['ADMIN_PASSWORD', 'pw-real-1'],
      ['ADMIN_API_KEY', 'k-1'],
    ])
    const envs = names.map((n) => replicas.services[n]?.environment as Record<string, string>)
    for (const env of envs) {
      expect(env.PROXY_REDIS_URL).toBe('redis://redis:6379/0')
      expect(interpolate(env.PROXY_MYSQL_DSN ?? '', example)).toMatch(/@mysql:3306\/qcc$/)
      // A replica with its own generated secret.key could not read another's upstream keys.
      expect(() => interpolate(env.QCC_SECRET_KEY ?? '', example)).toThrow(/set QCC_SECRET_KEY/)
    }
    expect(envs[0]).toEqual(envs[1])
    expect(replicas.services.redis?.command).toEqual([
      'redis-server',
      '--save',
      '',
      '--appendonly',
      'no',
    ])
    for (const dep of ['mysql', 'redis'])
      expect(replicas.services['qcc-1']?.depends_on?.[dep]?.condition).toBe('service_healthy')
    const lb = replicas.services.lb
    expect(String(lb?.volumes?.[0])).toContain('./deploy/nginx-replicas.conf:')
    expect(lb?.ports?.[0]).toMatch(/:8000$/)
    const readme = read('README.md')
    expect(readme).toContain('### Several replicas')
    expect(readme).toContain('docker compose -f docker-compose.replicas.yml up -d')
  })

  it('gives nginx a load balancer config it accepts, with streaming unbuffered', () => {
    const conf = read('deploy/nginx-replicas.conf')
    expect(conf).toMatch(/proxy_buffering off;/)
    expect(conf).toMatch(/server qcc-1:8000/)
    expect(conf).toMatch(/server qcc-2:8000/)
    // `nginx -t` resolves upstream names: the compose service names become loopback here.
    const dir = mkdtempSync(join(tmpdir(), 'qcc-nginx-'))
    try {
      const site = conf.replace(/qcc-\d:8000/g, '127.0.0.1:8000')
      writeFileSync(join(dir, 'site.conf'), site)
      const main = [
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'error.log')};`,
        'events {}',
        `http { access_log off; include ${join(dir, 'site.conf')}; }`,
      ].join('\n')
      writeFileSync(join(dir, 'nginx.conf'), main)
      const out = execFileSync('nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      expect(out).toBe('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
