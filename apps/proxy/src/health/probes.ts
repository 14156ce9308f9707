import { DEFAULT_PROBE_MODEL, type AttemptOutcome, type NodeConfig } from '@qcc/core'
import { APIConnectionError, APITimeoutError, createClient, probeMessagesApi } from '@qcc/client'

export interface ProbeOutcome {
  /** What the probe saw, in core's vocabulary (core classifies it like a request). */
  outcome: AttemptOutcome
  ok: boolean
  latencyMs: number
  error: string | null
}

export interface ProbeDeps {
  fetch: typeof fetch
  timeoutMs: number
}

/**
 * Probes one node by its method: `api` is a 1-token Messages call made with @qcc/client,
 * `count_tokens` counts a tiny prompt, `head` asks the base URL for headers only. `cli` needs a
 * `claude` binary on the host; without one it is probed like `api`.
 */
export async function probeNode(
  node: NodeConfig,
  apiKey: string | null,
  deps: ProbeDeps,
): Promise<ProbeOutcome> {
  const model = node.healthCheckModel ?? DEFAULT_PROBE_MODEL
  const client = createClient({
    baseUrl: node.baseUrl,
    apiKey: apiKey ?? undefined,
    fetch: deps.fetch,
    timeoutMs: deps.timeoutMs,
    maxRetries: 0,
  })
  const started = performance.now()
  if (node.healthCheckMethod === 'head') return probeHead(node.baseUrl, deps, started)
  if (node.healthCheckMethod === 'count_tokens') {
    try {
      await client.messages.countTokens({ model, messages: [{ role: 'user', content: 'hi' }] })
      return passed(started)
    } catch (err) {
      return failedFrom(err, started)
    }
  }
  const result = await probeMessagesApi(client, {
    model,
    timeoutMs: deps.timeoutMs,
    style: 'plain',
  })
  if (result.ok) return passed(started)
  return failedFrom(result.error, started)
}

async function probeHead(baseUrl: string, deps: ProbeDeps, started: number): Promise<ProbeOutcome> {
  try {
    const res = await deps.fetch(baseUrl, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs),
    })
    // Any answer below 500 means the server is up (a relay's root often says 404).
    if (res.status < 500) return passed(started)
    return {
      outcome: { kind: 'response', status: res.status, headers: res.headers },
      ok: false,
      latencyMs: performance.now() - started,
      error: `HEAD ${res.status}`,
    }
  } catch (err) {
    return failedFrom(err, started)
  }
}

function passed(started: number): ProbeOutcome {
  return {
    outcome: { kind: 'response', status: 200 },
    ok: true,
    latencyMs: performance.now() - started,
    error: null,
  }
}

function failedFrom(err: unknown, started: number): ProbeOutcome {
  const latencyMs = performance.now() - started
  const message = err instanceof Error ? err.message : String(err)
  const status = (err as { status?: unknown }).status
  if (typeof status === 'number') {
    const type = (err as { type?: unknown }).type
    const body = JSON.stringify({ type: 'error', error: { type, message } })
    return {
      outcome: { kind: 'response', status, bodySnippet: body },
      ok: false,
      latencyMs,
      error: `${status} ${message}`,
    }
  }
  const timedOut = err instanceof APITimeoutError || (err as Error).name === 'TimeoutError'
  const outcome: AttemptOutcome = timedOut
    ? { kind: 'timeout_first_byte', phase: 'headers' }
    : { kind: 'connect_error', code: err instanceof APIConnectionError ? 'connect' : undefined }
  return { outcome, ok: false, latencyMs, error: message }
}
