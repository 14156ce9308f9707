import { createAdminApi } from './client'
import { AdminApiError, type AdminHttp } from './http'

type Handler = (body: unknown) => unknown

/**
 * The real resource methods over a scripted transport, for model tests: handlers keyed by
 * `GET /path?query` (query as the client builds it) or `POST /path`; every call is recorded.
 * A handler may throw to answer with an error.
 */
export function fakeApi(routes: Record<string, Handler | unknown>) {
  const calls: string[] = []
  const run = async (key: string, body?: unknown) => {
    calls.push(body === undefined ? key : `${key} ${JSON.stringify(body)}`)
    if (!(key in routes)) throw new AdminApiError(404, `no route ${key}`)
    const r = routes[key]
    return typeof r === 'function' ? (r as Handler)(body) : structuredClone(r)
  }
  const http: AdminHttp = {
    get: async <T>(path: string) => (await run(`GET ${path}`)) as T,
    send: async <T>(method: string, path: string, body?: unknown) =>
      (await run(`${method} ${path}`, body)) as T,
  }
  return { api: createAdminApi(http), http, calls, routes }
}
