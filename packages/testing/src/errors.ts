/** Anthropic's error body shape. */
export interface AnthropicErrorBody {
  type: 'error'
  error: { type: string; message: string }
}

const ERRORS: Record<number, [type: string, message: string]> = {
  400: ['invalid_request_error', 'Invalid request.'],
  401: ['authentication_error', 'invalid x-api-key'],
  402: ['billing_error', 'Your credit balance is too low to access the Anthropic API.'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found.'],
  409: ['conflict_error', 'Conflict.'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of requests has exceeded your rate limit.'],
  500: ['api_error', 'Internal server error'],
  504: ['timeout_error', 'Request timed out.'],
  529: ['overloaded_error', 'Overloaded'],
}

/**
 * Anthropic's error type for an HTTP status: the documented ones, `api_error` for other 5xx,
 * `invalid_request_error` for other 4xx.
 */
export function errorTypeForStatus(status: number): string {
  const known = ERRORS[status]
  if (known) return known[0]
  return status >= 500 ? 'api_error' : 'invalid_request_error'
}

/** Anthropic's error body `{ type: 'error', error: { type, message } }` for a status. */
export function errorBody(status: number, message?: string): AnthropicErrorBody {
  const type = errorTypeForStatus(status)
  const fallback = ERRORS[status]?.[1] ?? (status >= 500 ? 'Internal server error' : 'Error')
  return { type: 'error', error: { type, message: message ?? fallback } }
}
