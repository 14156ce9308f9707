import type { ServerResponse } from 'node:http'

/** Anthropic's error types (https://docs.anthropic.com/en/api/errors). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error'

/** The JSON body Anthropic's SDKs parse: `{"type":"error","error":{"type","message"}}`. */
export function anthropicErrorBody(type: AnthropicErrorType, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message } })
}

/** One SSE `event: error` frame, used when a committed stream fails without its own error frame. */
export function anthropicErrorFrame(type: AnthropicErrorType, message: string): string {
  return `event: error\ndata: ${anthropicErrorBody(type, message)}\n\n`
}

/** Writes an Anthropic-shaped error answer; the single renderer for the `/v1/*` routes. */
export function sendAnthropicError(
  res: ServerResponse,
  status: number,
  type: AnthropicErrorType,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end()
    return
  }
  const body = anthropicErrorBody(type, message)
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}
