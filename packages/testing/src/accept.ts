import type { FakeAccept, RecordedRequest } from './types'

/** Why the fake upstream refuses a request before any behaviour: Anthropic's status and message. */
export interface Refusal {
  status: 401 | 404
  message: string
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value

/** The credential problem of a request under `accept.auth`/`accept.key`, or undefined when fine. */
function authRefusal(accept: FakeAccept, rec: RecordedRequest): Refusal | undefined {
  const mode = accept.auth ?? (accept.key !== undefined ? 'x-api-key' : undefined)
  if (mode === undefined) return undefined
  if (mode === 'bearer') {
    // A bearer-only relay ignores `x-api-key`: only the Authorization header counts.
    const match = /^Bearer (.+)$/.exec(single(rec.headers.authorization) ?? '')
    const token = match?.[1]
    if (token === undefined) return { status: 401, message: 'missing bearer token' }
    if (accept.key !== undefined && token !== accept.key) {
      return { status: 401, message: 'invalid bearer token' }
    }
    return undefined
  }
  const key = single(rec.headers['x-api-key'])
  if (key === undefined || key === '')
    return { status: 401, message: 'x-api-key header is required' }
  if (accept.key !== undefined && key !== accept.key) {
    return { status: 401, message: 'invalid x-api-key' }
  }
  return undefined
}

/** The model problem of a messages/count_tokens request under `accept.models`, else undefined. */
function modelRefusal(accept: FakeAccept, rec: RecordedRequest): Refusal | undefined {
  if (accept.models === undefined) return undefined
  const model = (rec.json as { model?: unknown } | null | undefined)?.model
  // A body without a string model is left to the behaviour (the `ok` one answers 400).
  if (typeof model !== 'string' || accept.models.includes(model)) return undefined
  return { status: 404, message: `model: ${model}` }
}

/**
 * Checks a request against the `accept` option, as a strict relay would: credentials first
 * (401 `authentication_error`), then, on a body-carrying route, the model (404 `not_found_error`
 * with `model: <id>`, like Anthropic). Undefined when the request is accepted.
 */
export function refusalOf(
  accept: FakeAccept | undefined,
  rec: RecordedRequest,
  carriesModel: boolean,
): Refusal | undefined {
  if (accept === undefined) return undefined
  return authRefusal(accept, rec) ?? (carriesModel ? modelRefusal(accept, rec) : undefined)
}
