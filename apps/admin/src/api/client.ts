/** The console's one client for the admin API. */
export interface Me {
  id: string
  name: string
  is_admin: boolean
}

export class AdminApiError extends Error {
  override name = 'AdminApiError'
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export type Method = 'POST' | 'PUT' | 'DELETE'

export interface AdminApi {
  me(): Promise<Me>
  login(username: string, password: string): Promise<Me>
  logout(): Promise<void>
  /** GET a path with an optional query; undefined and empty values are left out. */
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>
  /** A mutation; a body goes as JSON (the API refuses other content types). */
  send<T>(method: Method, path: string, body?: unknown): Promise<T>
}

async function readJson<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: string }
  if (!res.ok) throw new AdminApiError(res.status, body.error ?? `HTTP ${res.status}`)
  return body as T
}

/** `path?a=1&b=2`, dropping undefined and empty values. */
export function withQuery(path: string, query?: Record<string, string | number | undefined>) {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== '') params.set(k, String(v))
  }
  const qs = params.toString()
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path
}

export function createAdminApi(fetchFn: typeof fetch = (...a) => fetch(...a)): AdminApi {
  const json = { 'content-type': 'application/json', accept: 'application/json' }
  return {
    me: async () => readJson<Me>(await fetchFn('/admin/api/me', { headers: json })),
    login: async (username, password) =>
      readJson<Me>(
        await fetchFn('/login', {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ username, password }),
        }),
      ),
    logout: async () => {
      await fetchFn('/logout', { method: 'POST', headers: { accept: 'application/json' } })
    },
    get: async (path, query) =>
      readJson(await fetchFn(withQuery(path, query), { headers: { accept: 'application/json' } })),
    send: async (method, path, body) =>
      readJson(
        await fetchFn(path, {
          method,
          headers: body === undefined ? { accept: 'application/json' } : json,
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      ),
  }
}
