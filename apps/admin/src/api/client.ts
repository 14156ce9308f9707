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

export interface AdminApi {
  me(): Promise<Me>
  login(username: string, password: string): Promise<Me>
  logout(): Promise<void>
}

async function readJson<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as { error?: string }
  if (!res.ok) throw new AdminApiError(res.status, body.error ?? `HTTP ${res.status}`)
  return body as T
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
  }
}
