import type { Context, MiddlewareHandler } from 'hono'

/** The Hono variables the request-id middleware sets. */
export type RequestIdEnv = { Variables: { requestId: string } }

/**
 * Names every admin request, as the data path does: the id goes out as `x-qcc-request-id` on the
 * answer (errors included) and as `request_id` in error bodies and log lines, so a report from
 * the console can be found in the logs. `newId` is the data path's generator (cheap: a counter).
 */
export function requestIds(newId: () => string): MiddlewareHandler<RequestIdEnv> {
  return async function requestId(c, next) {
    const id = newId()
    c.set('requestId', id)
    await next()
    c.header('x-qcc-request-id', id)
  }
}

/** The id {@link requestIds} gave this request, if it passed through it. */
export function requestIdOf(c: Context): string | undefined {
  const id: unknown = c.get('requestId')
  return typeof id === 'string' ? id : undefined
}
