import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { isStoreError } from '@qcc/store'
import { z } from 'zod'
import type { Logger } from '../observability/logger'

/** An expected failure of an admin route; rendered as `{error}` with its status. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

/** Another tenant's object, or none at all: the same answer, so existence is not revealed. */
export const notFound = (what = 'not found'): ApiError => new ApiError(404, what)

/** A zod failure as one line naming the field, e.g. `base_url: Invalid URL`. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid request'
  const path = issue.path.join('.')
  return path ? `${path}: ${issue.message}` : issue.message
}

/**
 * The one error renderer of the admin API and login: `{error}` with the right status. Store
 * errors map to their HTTP meaning; anything unexpected is logged and answered as a bare 500.
 */
export function renderAdminError(err: unknown, c: Context, logger: Logger): Response {
  if (err instanceof ApiError) {
    // Authorization refusals are worth a trace (ASVS 16.3.2); never with the request body.
    if (err.status === 403) logger.info({ path: c.req.path, reason: err.message }, 'admin refused')
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v)
    return c.json({ error: err.message }, err.status)
  }
  if (err instanceof z.ZodError) return c.json({ error: describeZodError(err) }, 400)
  if (isStoreError(err)) {
    switch (err.code) {
      case 'conflict':
        return c.json({ error: err.message }, 409)
      case 'invalid':
        return c.json({ error: err.message }, 400)
      case 'not_found':
        return c.json({ error: 'not found' }, 404)
      case 'unavailable':
      case 'closed':
        logger.warn({ err: err.message, path: c.req.path }, 'store unavailable')
        return c.json({ error: 'storage unavailable' }, 503)
      default:
        break
    }
  }
  logger.error({ err, path: c.req.path }, 'admin request failed')
  return c.json({ error: 'internal error' }, 500)
}
