import type { Context, Env, Hono } from 'hono'
import type { z } from 'zod'
import { jsonBody, queryOf } from './validate'

export type RouteMethod = 'get' | 'post' | 'put' | 'delete'

/** `public`: no login; `session`: any logged-in account; `admin`: admins only (403 for tenants). */
export type RouteAuth = 'public' | 'session' | 'admin'

/**
 * One route as the OpenAPI document shows it. {@link defineRoute} records one for every route it
 * registers, from the very schemas the route validates with, so the document, the 405 fallback
 * and the route-coverage tests read what is registered.
 */
export interface RouteDoc {
  method: RouteMethod
  /** Full path, `{param}` style. */
  path: string
  summary: string
  auth: RouteAuth
  /**
   * A public route that takes a proxy key instead of a session (`x-api-key` or Bearer, as
   * `/key/status` does): shown so in the OpenAPI document.
   */
  credential?: 'proxy_key'
  query?: z.ZodType
  body?: z.ZodType
  /** Shape of the success answer (documentation; handlers type their answers with it). */
  response?: z.ZodType
  /** Success status, default 200. */
  status?: number
  /** Content type of the answer, default JSON. */
  produces?: string
}

type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined

export interface RouteInput<Q, B> {
  /** The query string, validated before the handler runs (400 naming the first bad field). */
  query: Parsed<Q>
  /**
   * Reads and validates the JSON body (an empty body counts as `{}`). Called by the handler, so
   * that its own checks (ownership, roles) can answer first, whatever the body says.
   */
  body: () => Promise<Parsed<B>>
}

/**
 * Where routes are defined: a Hono app, the path prefix it is mounted at, and the one list of
 * docs every group of a mount shares. `access` is what the group's middleware guarantees:
 * `session` groups sit behind the session guard and answer admin-only routes with
 * `requireAdmin` (before any validation); `public` groups serve public routes only.
 */
export interface RouteGroup<E extends Env> {
  readonly app: Hono<E>
  readonly prefix: string
  readonly docs: RouteDoc[]
  readonly access:
    { kind: 'public' } | { kind: 'session'; requireAdmin: (c: Context<E>) => unknown }
}

/** `METHOD /path`: the path below the group's prefix, Hono style (`/share/:token`). */
export type RouteKey = `${Uppercase<RouteMethod>} /${string}`

/**
 * A route as its module declares it: its doc, and its handler (declared last, so that `query`
 * and `body` type its input).
 */
export interface RouteDefinition<
  E extends Env,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
> extends Omit<RouteDoc, 'method' | 'path' | 'auth' | 'query' | 'body'> {
  /** Default: what the group gives (`session` in the admin API, `public` outside it). */
  auth?: RouteAuth
  query?: Q
  body?: B
  handler: (c: Context<E>, input: RouteInput<Q, B>) => Response | Promise<Response>
}

/**
 * Registers a route on the group's app and records its doc: one declaration for both. The query
 * is validated with `route.query` before the handler runs, the body with `route.body` when the
 * handler asks for it. A route whose `auth` the group cannot provide is a programming error.
 */
export function defineRoute<
  E extends Env,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(group: RouteGroup<E>, key: RouteKey, route: RouteDefinition<E, Q, B>): void {
  const { access } = group
  const { handler, query, body, ...rest } = route
  const doc = { ...rest, auth: rest.auth ?? access.kind }
  if ((doc.auth === 'public') !== (access.kind === 'public')) {
    throw new Error(`${key}: a ${doc.auth} route in a ${access.kind} group`)
  }
  const [upper, path] = key.split(' ') as [Uppercase<RouteMethod>, string]
  const method = upper.toLowerCase() as RouteMethod
  const documented = `${group.prefix}${path}`.replace(/:(\w+)/g, '{$1}')
  group.docs.push({ ...doc, method, path: documented, query, body })
  group.app.on(upper, path, async (c) => {
    if (doc.auth === 'admin' && access.kind === 'session') access.requireAdmin(c)
    const input: RouteInput<Q, B> = {
      query: (query ? queryOf(c, query) : undefined) as Parsed<Q>,
      body: async () => (body ? await jsonBody(c, body) : undefined) as Parsed<B>,
    }
    return handler(c, input)
  })
}
