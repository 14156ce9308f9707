import type { z } from 'zod'

/**
 * One admin route as documented in the OpenAPI document. Route modules export a list of these
 * built from the very schemas they validate with, so the document cannot drift from the code;
 * the route-coverage tests walk the same list.
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete'
  /** Full path, `{param}` style. */
  path: string
  summary: string
  /** `session`: any logged-in account; `admin`: admins only; `public`: no login. */
  auth: 'session' | 'admin' | 'public'
  query?: z.ZodType
  body?: z.ZodType
  /** Shape of the success answer (documentation; handlers are typed with it). */
  response?: z.ZodType
  /** Success status, default 200. */
  status?: number
  /** Content type of the answer, default JSON. */
  produces?: string
}
