/**
 * The control-plane app (createApp) on a memory store, without a server: for unit tests of the
 * admin API through `app.request`, and for reading the OpenAPI document of every admin route
 * (tunnel and notifications included, on fakes that are never called for it).
 */
import { randomBytes } from 'node:crypto'
import type { Hono } from 'hono'
import type { Clock } from '@qcc/core'
import { createStore, type Store } from '@qcc/store'
import { createApp, type AppDeps } from '../src/app'
import { loadEnv } from '../src/env'
import type { Notifier } from '../src/notify/notifier'
import { createLogger } from '../src/observability/logger'
import type { TunnelState, TunnelSupervisor } from '../src/tunnel/supervisor'

const STOPPED: TunnelState = {
  status: 'stopped',
  enabled: false,
  subdomain: null,
  zone: null,
  hasApiToken: false,
  publicUrl: null,
  tunnelId: null,
  pid: null,
  restarts: 0,
  lastError: null,
  updatedAt: new Date(0).toISOString(),
}

/** A tunnel that is configured nowhere and never runs. */
export const idleTunnel: TunnelSupervisor = {
  state: async () => STOPPED,
  configure: async () => STOPPED,
  start: async () => STOPPED,
  stop: async () => STOPPED,
  autoStart: async () => {},
  close: async () => {},
  isRunning: () => false,
}

/** A notifier whose test sends all succeed at once. */
export const acceptingNotifier: Notifier = {
  testSend: async () => ({ ok: true, attempts: 1, status: 200, error: null }),
  idle: async () => {},
  stop: async () => {},
}

/** A memory store with cheap password hashing and one admin, `root` / `root-password`. */
export async function memoryStore(clock?: Clock): Promise<Store> {
  const store = await createStore({
    kind: 'memory',
    secretKey: randomBytes(32),
    passwordHash: { N: 1024, r: 8, p: 1 },
    clock,
  })
  await store.createAccount({ name: 'root', password: 'root-password', isAdmin: true })
  return store
}

export interface AdminApp {
  app: Hono
  store: Store
  /** Logs in through `POST /login`; the session cookie to send. */
  login(username?: string, password?: string): Promise<string>
  /** A JSON request with the given cookie (`cookie` header) and body. */
  request(method: string, path: string, cookie?: string, body?: unknown): Promise<Response>
  close(): Promise<void>
}

/** The app on a fresh memory store; `overrides` replace any of createApp's deps. */
export async function adminApp(overrides: Partial<AppDeps> = {}): Promise<AdminApp> {
  const store = overrides.store ?? (await memoryStore())
  const app = createApp({
    store,
    logger: createLogger('silent'),
    env: loadEnv({}),
    version: { version: '0.0.0', commit: 'test', builtAt: 'now' },
    adminAssets: new Map(),
    tunnel: idleTunnel,
    notifier: acceptingNotifier,
    ...overrides,
  })
  const request = (method: string, path: string, cookie?: string, body?: unknown) =>
    Promise.resolve(
      app.request(path, {
        method,
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    )
  return {
    app,
    store,
    request,
    async login(username = 'root', password = 'root-password') {
      const res = await request('POST', '/login', undefined, { username, password })
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`)
      return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    },
    close: () => store.close(),
  }
}

/** The admin API's `openapi.json` as a fully mounted app serves it. */
export async function adminOpenApiDocument(): Promise<Record<string, unknown>> {
  const admin = await adminApp()
  try {
    const res = await admin.request('GET', '/admin/api/openapi.json', await admin.login())
    return (await res.json()) as Record<string, unknown>
  } finally {
    await admin.close()
  }
}
