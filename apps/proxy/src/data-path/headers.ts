import type { IncomingHttpHeaders } from 'node:http'
import type { AuthHeaderMode } from '@qcc/core'

/**
 * Headers never sent upstream: the tenant's credentials, our own transport framing, hop-by-hop
 * headers (RFC 9110 7.6.1) and anything that would leak the client's network identity.
 */
const DROP_UPSTREAM = new Set([
  'x-api-key',
  'authorization',
  'cookie',
  'host',
  'content-length',
  'accept-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'forwarded',
  'x-real-ip',
])

/** How a node's key and extra headers go out (docs/contract.md §13). */
export interface NodeCredentials {
  /** The node's upstream key; null for key-less relays. */
  apiKey: string | null
  /** `x-api-key` (default), `bearer` or `both`. */
  authHeader?: AuthHeaderMode | undefined
  /** Sent with every call; their names never collide with the headers set here (the store refuses them). */
  extraHeaders?: Readonly<Record<string, string>> | null | undefined
}

/** Builds the upstream request headers: end-to-end headers kept, the node's key and headers set. */
export function buildUpstreamHeaders(
  incoming: IncomingHttpHeaders,
  node: NodeCredentials,
  bodyLength: number | undefined,
): Record<string, string> {
  const connectionListed = listedInConnection(incoming.connection)
  const out: Record<string, string> = {}
  for (const name in incoming) {
    if (DROP_UPSTREAM.has(name) || name.startsWith('x-forwarded-')) continue
    if (connectionListed?.has(name)) continue
    const value = incoming[name]
    if (value === undefined) continue
    out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  const extra = node.extraHeaders
  if (extra) for (const name in extra) out[name] = extra[name] as string
  // Compressed bodies would have to be decompressed to read usage; identity keeps the tap cheap.
  out['accept-encoding'] = 'identity'
  setNodeKey(out, node.apiKey, node.authHeader)
  if (bodyLength !== undefined) out['content-length'] = String(bodyLength)
  return out
}

/** Puts a node's key where its `auth_header` mode says (docs/contract.md §13); shared with probes. */
export function setNodeKey(
  headers: Record<string, string>,
  apiKey: string | null,
  mode: AuthHeaderMode | undefined,
): void {
  if (!apiKey) return
  if (mode !== 'bearer') headers['x-api-key'] = apiKey
  if (mode === 'bearer' || mode === 'both') headers.authorization = `Bearer ${apiKey}`
}

function listedInConnection(value: string | string[] | undefined): Set<string> | undefined {
  if (!value) return undefined
  const joined = Array.isArray(value) ? value.join(',') : value
  return new Set(joined.split(',').map((s) => s.trim().toLowerCase()))
}

/** Headers that may come back to the client: an allowlist (docs/contract.md §6.3). */
export function pickDownstreamHeaders(
  upstream: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const name in upstream) {
    const value = upstream[name]
    if (value === undefined) continue
    if (
      name === 'content-type' ||
      name === 'request-id' ||
      name === 'retry-after' ||
      name === 'x-should-retry' ||
      name.startsWith('anthropic-')
    ) {
      out[name] = value
    }
  }
  return out
}
