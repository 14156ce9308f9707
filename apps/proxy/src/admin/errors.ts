import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { isStoreError } from '@qcc/store'
import { z } from 'zod'
import type { Logger } from '../observability/logger'
import { requestIdOf } from './request-id'

/** What an admin API error is, and the status it answers with. */
const STATUS_OF = {
  invalid_request: 400,
  not_logged_in: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  internal: 500,
  storage_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>

/** The closed set of `code`s an admin error body carries. */
export type ApiErrorCode = keyof typeof STATUS_OF

/**
 * An expected failure of an admin route, rendered as `{error, code, request_id}` with the
 * status its code stands for, plus `headers` (such as `retry-after`).
 */
export class ApiError extends HTTPException {
  override readonly name = 'ApiError'
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(STATUS_OF[code], { message })
  }
}

/** Another tenant's object, or none at all: the same answer, so existence is not revealed. */
export const notFound = (what = 'not found'): ApiError => new ApiError('not_found', what)

/** A zod failure as one line naming the field, e.g. `base_url: Invalid URL`. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid request'
  const path = issue.path.join('.')
  return path ? `${path}: ${issue.message}` : issue.message
}

/** The store's failures as the admin API answers them; anything else is `internal`. */
function fromStoreError(err: unknown): ApiError | undefined {
  if (!isStoreError(err)) return undefined
  switch (err.code) {
    case 'conflict':
      return new ApiError('conflict', err.message)
    case 'invalid':
      return new ApiError('invalid_request', err.message)
    case 'not_found':
      return notFound()
    case 'unavailable':
    case 'closed':
      return new ApiError('storage_unavailable', 'storage unavailable')
    default:
      return undefined
  }
}

/**
 * The one error renderer of the admin API and login: `{error, code, request_id}` with the
 * status of the code (`request_id` where the request has one, the same as `x-qcc-request-id`).
 * Store errors map to their HTTP meaning; anything unexpected is logged and answered as a bare
 * 500.
 */
export function renderAdminError(err: unknown, c: Context, logger: Logger): Response {
  const requestId = requestIdOf(c)
  let error: ApiError
  if (err instanceof ApiError) {
    error = err
  } else if (err instanceof z.ZodError) {
    error = new ApiError('invalid_request', describeZodError(err))
  } else {
    error = fromStoreError(err) ?? new ApiError('internal', 'internal error')
  }
  const where = { path: c.req.path, request_id: requestId }
  // Authorization refusals are worth a trace (ASVS 16.3.2); never with the request body.
  if (error.code === 'forbidden') logger.info({ ...where, reason: error.message }, 'admin refused')
  if (error.code === 'storage_unavailable') {
    logger.warn({ ...where, err: (err as Error).message }, 'store unavailable')
  }
  if (error.code === 'internal') logger.error({ ...where, err }, 'admin request failed')
  for (const [k, v] of Object.entries(error.headers)) c.header(k, v)
  return c.json(
    { error: error.message, code: error.code, ...(requestId ? { request_id: requestId } : {}) },
    error.status,
  )
}
