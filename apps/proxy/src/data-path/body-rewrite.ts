import { resolveUpstreamModel, type NodeConfig } from '@qcc/core'
import { topLevelValueSpans, type ValueSpan } from './json-top-level'

/** The body one node gets, and the model id it names (docs/contract.md §13). */
export interface NodeBody {
  body: Buffer | undefined
  /** The id sent upstream when the node's `model_map` changed it; undefined when not. */
  upstreamModel: string | undefined
}

const REWRITTEN_FIELDS: ReadonlySet<string> = new Set(['model', 'tools'])

/** Tool fields a strict relay accepts (qcc_plus's tool cleaning). */
const TOOL_FIELDS = ['name', 'description', 'input_schema'] as const

/**
 * The request body for one node (docs/contract.md §13): the client's bytes untouched unless the
 * node maps the requested model or strips tool fields. Then only the `model` and `tools` values
 * are replaced in place (every other byte stays as sent, so a 200 KB Claude Code body costs one
 * structural scan, not a parse and a re-serialisation of its messages).
 */
export function bodyForNode(
  body: Buffer | undefined,
  requestedModel: string | undefined,
  node: NodeConfig,
): NodeBody {
  const mapped =
    requestedModel !== undefined && node.modelMap ? resolveUpstreamModel(node, requestedModel) : ''
  const remap = mapped !== '' && mapped !== requestedModel
  const strip = node.stripToolFields === true
  if (body === undefined || (!remap && !strip)) return { body, upstreamModel: undefined }
  const spans = topLevelValueSpans(body, REWRITTEN_FIELDS)
  // A body the scan cannot read was refused before routing; keep it as it is if one gets here.
  if (spans === undefined) return { body, upstreamModel: undefined }
  const edits: Array<{ span: ValueSpan; text: string }> = []
  for (const span of spans) {
    if (span.key === 'model' && remap) edits.push({ span, text: JSON.stringify(mapped) })
    if (span.key === 'tools' && strip) {
      const text = strippedTools(body.toString('utf8', span.from, span.to))
      if (text !== undefined) edits.push({ span, text })
    }
  }
  return { body: applyEdits(body, edits), upstreamModel: remap ? mapped : undefined }
}

/**
 * Custom tools (those with an `input_schema`) keep only their name, description and schema;
 * server tools (`web_search_…`, `bash_…`: a `type`, no schema) pass as they are, since their
 * `type` is what they are. Undefined when nothing changes or the value is not an array.
 */
function strippedTools(json: string): string | undefined {
  let tools: unknown
  try {
    tools = JSON.parse(json)
  } catch {
    return undefined
  }
  if (!Array.isArray(tools)) return undefined
  let changed = false
  const cleaned = tools.map((tool: unknown) => {
    if (typeof tool !== 'object' || tool === null || !('input_schema' in tool)) return tool
    const source = tool as Record<string, unknown>
    const kept: Record<string, unknown> = {}
    for (const field of TOOL_FIELDS) if (field in source) kept[field] = source[field]
    if (Object.keys(kept).length !== Object.keys(source).length) changed = true
    return kept
  })
  return changed ? JSON.stringify(cleaned) : undefined
}

function applyEdits(body: Buffer, edits: Array<{ span: ValueSpan; text: string }>): Buffer {
  if (edits.length === 0) return body
  const parts: Buffer[] = []
  let at = 0
  for (const { span, text } of edits) {
    parts.push(body.subarray(at, span.from), Buffer.from(text, 'utf8'))
    at = span.to
  }
  parts.push(body.subarray(at))
  return Buffer.concat(parts)
}
