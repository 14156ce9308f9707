import { describe, expect, it } from 'vitest'
import { EnvError, loadEnv, SECRET_ENV_NAMES } from './env'

describe('loadEnv', () => {
  it('applies the seed README defaults', () => {
    const env = loadEnv({}, '/srv/qcc')
    expect(env.LISTEN_ADDR).toEqual({ host: undefined, port: 8000 })
    expect(env.UPSTREAM_BASE_URL).toBe('https://api.anthropic.com')
    expect(env.UPSTREAM_NAME).toBe('default')
    expect(env.PROXY_RETRY_MAX).toBe(3)
    expect(env.PROXY_FAIL_THRESHOLD).toBe(3)
    expect(env.PROXY_HEALTH_INTERVAL_SEC).toBe(30)
    expect(env.ADMIN_API_KEY).toBe('admin')
    expect(env.DEFAULT_ACCOUNT_NAME).toBe('default')
    expect(env.DEFAULT_PROXY_API_KEY).toBe('default-proxy-key')
    expect(env.TUNNEL_ENABLED).toBe(false)
    expect(env.PROXY_MAX_BODY_BYTES).toBe(33_554_432)
    expect(env.QCC_DATA_DIR).toBe('/srv/qcc/data')
  })

  it('H3: takes the blank secrets of .env.example as unset (their defaults)', () => {
    const env = loadEnv({ ADMIN_PASSWORD: '', ADMIN_API_KEY: '', DEFAULT_PROXY_API_KEY: '' })
    expect(env.ADMIN_PASSWORD).toBe('admin123')
    expect(env.ADMIN_API_KEY).toBe('admin')
    expect(env.DEFAULT_PROXY_API_KEY).toBe('default-proxy-key')
    expect(loadEnv({ ADMIN_PASSWORD: 's3cret-pass' }).ADMIN_PASSWORD).toBe('s3cret-pass')
  })

  it('resolves the data dir against INIT_CWD (where pnpm was started)', () => {
    expect(loadEnv({ INIT_CWD: '/home/me', QCC_DATA_DIR: 'state' }, '/x').QCC_DATA_DIR).toBe(
      '/home/me/state',
    )
  })

  it('names the variable of a bad value', () => {
    expect(() => loadEnv({ PROXY_RETRY_MAX: 'lots' })).toThrow(EnvError)
    expect(() => loadEnv({ PROXY_RETRY_MAX: 'lots' })).toThrow(/PROXY_RETRY_MAX/)
    expect(() => loadEnv({ LISTEN_ADDR: 'nope' })).toThrow(/LISTEN_ADDR/)
    expect(() => loadEnv({ UPSTREAM_BASE_URL: 'ftp://x' })).toThrow(/UPSTREAM_BASE_URL/)
    expect(() => loadEnv({ PROXY_HEALTH_INTERVAL_SEC: '0' })).toThrow(/PROXY_HEALTH_INTERVAL_SEC/)
    expect(() => loadEnv({ TUNNEL_ENABLED: 'maybe' })).toThrow(/TUNNEL_ENABLED/)
  })

  it('takes PROXY_REDIS_URL (a secret) and PROXY_REDIS_PREFIX (default qcc:)', () => {
    const none = loadEnv({ PROXY_REDIS_URL: '' })
    expect(none.PROXY_REDIS_URL).toBeUndefined()
    expect(none.PROXY_REDIS_PREFIX).toBe('qcc:')
    const set = loadEnv({
      PROXY_REDIS_URL: 'redis://:pw@127.0.0.1:6379/2',
      PROXY_REDIS_PREFIX: 'a:',
    })
    expect(set.PROXY_REDIS_URL).toBe('redis://:pw@127.0.0.1:6379/2')
    expect(set.PROXY_REDIS_PREFIX).toBe('a:')
    expect(() => loadEnv({ PROXY_REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/PROXY_REDIS_URL/)
    expect(SECRET_ENV_NAMES.has('PROXY_REDIS_URL')).toBe(true)
  })
})
