import {
  ADDRESS_REFUSED_CODE,
  DEFAULT_PROBE_MODEL,
  describeOutboundError,
  resolveUpstreamModel,
  type AttemptOutcome,
  type NodeConfig,
} from '@qcc/core'
import { setNodeKey } from '../data-path/headers'
import { basePathPrefix, upstreamPath } from '../data-path/upstream-url'
import type { OutboundClient, OutboundFailure, OutboundRequest } from '../outbound/outbound-client'

export interface ProbeOutcome {
  /** What the probe saw, in core's vocabulary (core classifies it like a request). */
  outcome: AttemptOutcome
  ok: boolean
  latencyMs: number
  /** The HTTP status when the node answered (a redirect's too). */
  status: number | null
  /** docs/contract.md §9's stored form (`http_401 authentication_error: ...`, `redirect`, ...), or null. */
  error: string | null
}

export interface ProbeDeps {
  /** The policy-checked outbound client: no redirects, bounded reads. */
  outbound: OutboundClient
  timeoutMs: number
  /** The node's stored `allowPrivate` (or the env switch): may it reach private addresses? */
  allowPrivate: boolean
  /** The node's extra headers (docs/contract.md §13), sent with probes as with requests. */
  extraHeaders?: Readonly<Record<string, string>> | null | undefined
}

/** The `anthropic-version` probes send (the one the Messages API documents). */
const ANTHROPIC_VERSION = '2023-06-01'

/**
 * Probes one node by its method: `api` is a 1-token Messages call, `count_tokens` counts a tiny
 * prompt, `head` asks the base URL for headers only (without the key). `cli` needs a `claude`
 * binary on the host; without one it is probed like `api`. Every call goes through the outbound
 * client, so the key reaches only the node's own origin (no redirect is followed) and what is
 * kept of an answer is its status and, for an Anthropic error body, type and redacted message.
 */
export async function probeNode(
  node: NodeConfig,
  apiKey: string | null,
  deps: ProbeDeps,
): Promise<ProbeOutcome> {
  const started = performance.now()
  const result = await deps.outbound.request(probeRequest(node, apiKey, deps))
  const latencyMs = performance.now() - started
  if (result.kind === 'failed') return failed(result, latencyMs)
  const { status, headers, body } = result
  if (node.healthCheckMethod === 'head') {
    // Any answer below 500 means the server is up (a relay's root often says 404).
    if (status < 500) return passed(status, latencyMs)
  } else if (status >= 200 && status < 300) {
    if (!result.truncated && isJson(body)) return passed(status, latencyMs)
    return {
      outcome: { kind: 'response', status, headers, unparsable: true },
      ok: false,
      latencyMs,
      status,
      error: describeOutboundError({ status }),
    }
  }
  return {
    outcome: { kind: 'response', status, headers, bodySnippet: body },
    ok: false,
    latencyMs,
    status,
    error: describeOutboundError({ status, body, secrets: [apiKey] }),
  }
}

function probeRequest(node: NodeConfig, apiKey: string | null, deps: ProbeDeps): OutboundRequest {
  const common = { allowPrivate: deps.allowPrivate, timeoutMs: deps.timeoutMs }
  if (node.healthCheckMethod === 'head') return { ...common, url: node.baseUrl, method: 'HEAD' }
  // The probe asks for what a request for this model would (docs/contract.md §13: through the map).
  const model = resolveUpstreamModel(node, node.healthCheckModel ?? DEFAULT_PROBE_MODEL)
  const messages = [{ role: 'user', content: 'hi' }]
  const countTokens = node.healthCheckMethod === 'count_tokens'
  const headers: Record<string, string> = {
    ...deps.extraHeaders,
    accept: 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
    'content-type': 'application/json',
  }
  setNodeKey(headers, apiKey, node.authHeader)
  return {
    ...common,
    url: nodeUrl(node.baseUrl, countTokens ? '/v1/messages/count_tokens' : '/v1/messages'),
    method: 'POST',
    headers,
    body: JSON.stringify(countTokens ? { model, messages } : { model, max_tokens: 1, messages }),
  }
}

/** The node's base URL joined to an API path as the data path joins it (prefix kept, no `/v1/v1`). */
function nodeUrl(baseUrl: string, path: string): string {
  const url = new URL(baseUrl)
  return `${url.origin}${upstreamPath(basePathPrefix(url), path)}`
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

function passed(status: number, latencyMs: number): ProbeOutcome {
  return { outcome: { kind: 'response', status: 200 }, ok: true, latencyMs, status, error: null }
}

function failed(result: OutboundFailure, latencyMs: number): ProbeOutcome {
  const error = describeOutboundError({ errorClass: result.errorClass })
  const outcome: AttemptOutcome =
    result.errorClass === 'redirect'
      ? { kind: 'response', status: result.status ?? 302 }
      : result.errorClass === 'timeout'
        ? { kind: 'timeout_first_byte', phase: 'headers' }
        : {
            kind: 'connect_error',
            // Core tells the class by the code; a refusal without a transport code still counts.
            code:
              result.code ??
              (result.errorClass === 'address_refused' ? ADDRESS_REFUSED_CODE : undefined),
          }
  const status = result.errorClass === 'redirect' ? (result.status ?? null) : null
  return { outcome, ok: false, latencyMs, status, error }
}
