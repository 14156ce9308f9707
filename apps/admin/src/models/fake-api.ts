import { AdminApiError, withQuery, type AdminApi, type Method } from '../api/client'

type Handler = (body: unknown) => unknown

/**
 * A scripted admin API for model tests: handlers keyed by `GET /path?query` (query as the
 * client builds it) or `POST /path`; every call is recorded.
 */
export function fakeApi(routes: Record<string, Handler | unknown>) {
  const calls: string[] = []
  const run = async (key: string, body?: unknown) => {
    calls.push(body === undefined ? key : `${key} ${JSON.stringify(body)}`)
    if (!(key in routes)) throw new AdminApiError(404, `no route ${key}`)
    const r = routes[key]
    return typeof r === 'function' ? (r as Handler)(body) : structuredClone(r)
  }
  const api: AdminApi = {
    me: async () => {
      throw new AdminApiError(401, 'not logged in')
    },
    login: async () => {
      throw new AdminApiError(401, 'invalid credentials')
    },
    logout: async () => {},
    get: async <T>(path: string, q?: Record<string, string | number | undefined>) =>
      (await run(`GET ${withQuery(path, q)}`)) as T,
    send: async <T>(method: Method, path: string, body?: unknown) =>
      (await run(`${method} ${path}`, body)) as T,
  }
  return { api, calls, routes }
}
