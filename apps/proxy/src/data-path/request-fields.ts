import { readTopLevelFields } from './json-top-level'

/**
 * What the data path needs from a Messages request body: the model (for usage) and
 * `metadata.user_id` (for the Claude Code session), and `stream` (for the trace). Small bodies are parsed in full. Large ones
 * (Claude Code sends 100-200 KB) are only scanned: their structure is checked (one object,
 * balanced brackets, terminated strings) and the two top-level fields are sliced out and parsed
 * alone. A full parse of such a body costs about a millisecond of CPU per request; the scan
 * costs a fraction, because it jumps from quote to quote with `indexOf`.
 */
export type RequestFields = { model?: unknown; metadata?: unknown; stream?: unknown }

export type ReadFieldsResult = { ok: true; fields: RequestFields } | { ok: false; reason: string }

/** Bodies up to this size get an exact `JSON.parse`. */
export const FULL_PARSE_MAX = 64 * 1024

const REQUEST_FIELDS: ReadonlySet<string> = new Set(['model', 'metadata', 'stream'])

export function readRequestFields(body: Buffer): ReadFieldsResult {
  if (body.length <= FULL_PARSE_MAX) {
    let value: unknown
    try {
      value = JSON.parse(body.toString('utf8'))
    } catch {
      return { ok: false, reason: 'request body is not valid JSON' }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, reason: 'request body must be a JSON object' }
    }
    return { ok: true, fields: value as RequestFields }
  }
  const scanned = readTopLevelFields(body, REQUEST_FIELDS)
  return scanned.ok
    ? { ok: true, fields: scanned.fields as RequestFields }
    : { ok: false, reason: `request ${scanned.reason}` }
}
