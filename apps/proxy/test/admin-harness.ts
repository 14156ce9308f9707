import { eventually as retryUntilPasses } from './wait'
import { expect } from 'vitest'
import type { RunningQcc } from '../src/index'

export interface Answer {
  status: number
  headers: Headers
  text: string
  /** Parsed JSON body, or undefined. */
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Every answer any session saw, for the canary sweep. */
export const seenAnswers: Answer[] = []

/** A browser-like client for one qcc: a cookie jar of one cookie (session_token), JSON helpers. */
export class AdminClient {
  cookie: string | undefined

  constructor(readonly baseUrl: string) {}

  static for(qcc: RunningQcc): AdminClient {
    return new AdminClient(qcc.url)
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const init: RequestInit = { method, redirect: 'manual', headers: { ...headers } }
    const h = init.headers as Record<string, string>
    if (this.cookie && !('cookie' in h)) h.cookie = `session_token=${this.cookie}`
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body)
      if (!('content-type' in h)) h['content-type'] = 'application/json'
    }
    const res = await fetch(`${this.baseUrl}${path}`, init)
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('session_token='))
    if (setCookie) {
      const value = /^session_token=([^;]*)/.exec(setCookie)?.[1] ?? ''
      this.cookie = value === '' || /Max-Age=0/i.test(setCookie) ? undefined : value
    }
    const text = await res.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    const answer = { status: res.status, headers: res.headers, text, json }
    seenAnswers.push(answer)
    return answer
  }

  get = (path: string, headers?: Record<string, string>) =>
    this.request('GET', path, undefined, headers)
  post = (path: string, body?: unknown, headers?: Record<string, string>) =>
    this.request('POST', path, body ?? {}, headers)
  put = (path: string, body?: unknown, headers?: Record<string, string>) =>
    this.request('PUT', path, body ?? {}, headers)
  del = (path: string, headers?: Record<string, string>) =>
    this.request('DELETE', path, undefined, headers)

  async login(username: string, password: string): Promise<Answer> {
    const res = await this.post('/login', { username, password })
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`)
    return res
  }
}

/** Logs in a fresh client. */
export async function loggedIn(qcc: RunningQcc, username: string, password: string) {
  const client = AdminClient.for(qcc)
  await client.login(username, password)
  return client
}

/** Creates a tenant (as admin) and logs it in. */
export async function createTenant(
  admin: AdminClient,
  name: string,
  password = `${name}-password-1`,
) {
  const res = await admin.post('/admin/api/accounts', { name, password })
  if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${res.text}`)
  const client = new AdminClient(admin.baseUrl)
  await client.login(name, password)
  return { client, id: res.json.id as string, key: res.json.proxy_api_key as string, password }
}

/** Polls until `check` passes or the time is up (config reaches the data path within ~2 s). */
export const eventually = <T>(check: () => Promise<T>, ms = 6000) =>
  retryUntilPasses(check, { timeoutMs: ms, intervalMs: 150 })

export function messages(
  url: string,
  key: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, ...headers },
    body: JSON.stringify(body),
  })
}

/** One operation of the served `openapi.json`: `public` when it needs no session. */
export interface DocumentedRoute {
  key: string
  method: string
  /** `{param}` style, as documented. */
  path: string
  /** Outside the session guard. */
  public: boolean
}

/**
 * Every route the running qcc documents (and so mounts: admin/route-table.ts records each route
 * it registers), read from `/admin/api/openapi.json` with `client`'s session.
 */
export async function documentedRoutes(client: AdminClient): Promise<DocumentedRoute[]> {
  const res = await client.get('/admin/api/openapi.json')
  if (res.status !== 200) throw new Error(`openapi.json: ${res.status} ${res.text}`)
  const paths = res.json.paths as Record<string, Record<string, { security?: unknown[] }>>
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => ({
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      // No session: none at all, or a proxy key instead (`/key/status`).
      public: Array.isArray(op.security) && !op.security.some((s) => 'session' in (s as object)),
    })),
  )
}

/**
 * What an admin error body is: `{error, code, request_id}`, the id the one `x-qcc-request-id`
 * names. `error` is any text unless given.
 */
export function errorBody(code: string, error: unknown = expect.any(String)) {
  return { error, code, request_id: expect.stringMatching(/^req_qcc_/) }
}

/** An admin error body but for the one thing two requests never share: their request id. */
export function exceptRequestId(json: Record<string, unknown>): Record<string, unknown> {
  return { ...json, request_id: undefined }
}
