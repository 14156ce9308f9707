import { withQuery, type AdminHttp, type QueryValues } from './http'
import type { AdminRoutes } from './openapi-types'

/**
 * Every route of the admin API by `METHOD /path`, generated from openapi.json. A resource
 * method names its route, so a route the server renames or drops, or a body it changes, fails
 * the console's typecheck.
 */
export type Route = keyof AdminRoutes

/** What a route answers, as the document describes it (`unknown` where it does not). */
export type Answer<R extends Route> = AdminRoutes[R]['answer']
export type Body<R extends Route> = AdminRoutes[R]['body']
export type Query<R extends Route> = AdminRoutes[R]['query']
export type Params<R extends Route> = AdminRoutes[R]['params']

export interface RequestParts<R extends Route> {
  params?: Params<R>
  query?: Query<R>
  body?: Body<R>
}

/** Sends one route's request: `{name}` path parameters filled in, the query appended. */
export function request<R extends Route>(
  http: AdminHttp,
  route: R,
  parts: RequestParts<R> = {},
): Promise<Answer<R>> {
  const space = route.indexOf(' ')
  const method = route.slice(0, space) as 'GET' | 'POST' | 'PUT' | 'DELETE'
  const params = (parts.params ?? {}) as Record<string, string>
  const path = withQuery(
    route
      .slice(space + 1)
      .replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? '')),
    parts.query as QueryValues | undefined,
  )
  return method === 'GET'
    ? http.get<Answer<R>>(path)
    : http.send<Answer<R>>(method, path, parts.body)
}
