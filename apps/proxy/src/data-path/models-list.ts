import type { ServerResponse } from 'node:http'
import { sendAnthropicError } from './anthropic-error'

/** The `created_at` of a listed model: the proxy does not know when a relay's model came out. */
const UNKNOWN_RELEASE = '1970-01-01T00:00:00Z'

const modelObject = (id: string) => ({
  type: 'model',
  id,
  display_name: id,
  created_at: UNKNOWN_RELEASE,
})

/**
 * `GET /v1/models` answered by the proxy from the tenant's nodes' model lists
 * (docs/contract.md §13), in Anthropic's list shape with its `limit` (1 to 1000, default 20),
 * `after_id` and `before_id` paging.
 */
export function sendModelsList(
  res: ServerResponse,
  ids: readonly string[],
  query: URLSearchParams,
  headers: Record<string, string>,
): void {
  const limitText = query.get('limit')
  const limit = limitText === null ? 20 : Number(limitText)
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return sendAnthropicError(
      res,
      400,
      'invalid_request_error',
      'limit: must be an integer from 1 to 1000',
      headers,
    )
  }
  let from = 0
  let to = ids.length
  const after = query.get('after_id')
  const before = query.get('before_id')
  if (after !== null) from = ids.indexOf(after) + 1
  if (before !== null) {
    const at = ids.indexOf(before)
    to = at === -1 ? ids.length : at
    from = Math.max(from, to - limit)
  }
  const page = ids.slice(from, Math.min(to, from + limit))
  const body = JSON.stringify({
    data: page.map(modelObject),
    has_more: before !== null ? from > 0 : from + page.length < to,
    first_id: page[0] ?? null,
    last_id: page[page.length - 1] ?? null,
  })
  res.writeHead(200, { ...headers, 'content-type': 'application/json' })
  res.end(body)
}

/** `GET /v1/models/{id}` for an id of the tenant's lists. */
export function sendModel(res: ServerResponse, id: string, headers: Record<string, string>): void {
  res.writeHead(200, { ...headers, 'content-type': 'application/json' })
  res.end(JSON.stringify(modelObject(id)))
}
