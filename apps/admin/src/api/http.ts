/** The console's one way to reach the admin API over HTTP; resources (`./client`) sit on top. */
export class AdminApiError extends Error {
  override name = 'AdminApiError'
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'
export type QueryValues = Record<string, string | number | boolean | undefined>

/** One request: a path (query included) and, for a mutation, a JSON body. */
export interface AdminHttp {
  get<T>(path: string): Promise<T>
  /** A mutation; a body goes as JSON (the API refuses other content types). */
  send<T>(method: Exclude<Method, 'GET'>, path: string, body?: unknown): Promise<T>
}

async function readJson<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: string }
  if (!res.ok) throw new AdminApiError(res.status, body.error ?? `HTTP ${res.status}`)
  return body as T
}

/** `path?a=1&b=2`, dropping undefined and empty values. */
export function withQuery(path: string, query?: QueryValues) {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== '') params.set(k, String(v))
  }
  const qs = params.toString()
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path
}

export function createFetchHttp(fetchFn: typeof fetch = (...a) => fetch(...a)): AdminHttp {
  const json = { 'content-type': 'application/json', accept: 'application/json' }
  return {
    get: async (path) => readJson(await fetchFn(path, { headers: { accept: 'application/json' } })),
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

/** The same transport, calling `expired` on every 401 answer (the error still propagates). */
export function expiringOn401(http: AdminHttp, expired: () => void): AdminHttp {
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (err) {
      if (err instanceof AdminApiError && err.status === 401) expired()
      throw err
    }
  }
  return {
    get: (path) => guard(() => http.get(path)),
    send: (method, path, body) => guard(() => http.send(method, path, body)),
  }
}
