/**
 * A health probe for a Messages endpoint: one tiny non-streaming request, never thrown errors,
 * the latency measured. The qcc proxy's `api` health check method uses it.
 */
import { createClaudeCode, type ClaudeCode } from './claude-code/builder'
import { DEFAULT_WARMUP_MODEL } from './claude-code/data/models'
import type { Client } from './client'
import { APIError, ClientError } from './errors'

/** Options of {@link probeMessagesApi}. */
export interface ProbeOptions {
  /** Model to ask. Default {@link DEFAULT_WARMUP_MODEL} (a small, cheap one). */
  model?: string
  /** Time allowed for the whole probe. Default 5000 ms. */
  timeoutMs?: number
  /** Aborts the probe (the result is then a failure with `APIUserAbortError`). */
  signal?: AbortSignal
  /**
   * `claude-code` (default) sends Claude Code's headers, system blocks and `metadata.user_id`, so
   * relays that only accept Claude Code accept the probe; `plain` sends a bare request.
   */
  style?: 'claude-code' | 'plain'
  /** The Claude Code session to send as (default: a new one per probe). */
  claudeCode?: ClaudeCode
  /** Monotonic clock in ms, for the latency. Default `performance.now()`. */
  now?: () => number
}

/** What {@link probeMessagesApi} resolves with. */
export interface ProbeResult {
  /** The endpoint answered 2xx with a message. */
  ok: boolean
  /** Time from sending to the answer (or failure), in ms. */
  latencyMs: number
  /** HTTP status of an error answer. */
  status?: number
  /** The failure, when `ok` is false: an `APIError` subclass, `APIConnectionError`, ... */
  error?: ClientError
  /** `error.message` for logs, e.g. `429 rate_limit_error: ...`. */
  detail?: string
}

/**
 * Sends `max_tokens: 1`, one user message `hi`, no streaming, no retries. Never throws.
 * @example
 * const result = await probeMessagesApi(createClient({ baseUrl, apiKey }), { timeoutMs: 5000 })
 * if (!result.ok) console.log(result.detail)
 */
export async function probeMessagesApi(
  client: Client,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const now = options.now ?? (() => performance.now())
  const model = options.model ?? DEFAULT_WARMUP_MODEL
  const requestOptions = {
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 5000,
    maxRetries: 0,
  }
  const started = now()
  try {
    if (options.style === 'plain') {
      await client.messages.create(
        { model, max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] },
        requestOptions,
      )
    } else {
      const claudeCode = options.claudeCode ?? createClaudeCode()
      const { body, headers, query } = claudeCode.request('hi', {
        model,
        maxTokens: 1,
        tools: [],
        stream: false,
      })
      await client.messages.create(body, { ...requestOptions, headers, query })
    }
    return { ok: true, latencyMs: now() - started }
  } catch (err) {
    const latencyMs = now() - started
    const error = err instanceof ClientError ? err : new ClientError(String(err), { cause: err })
    if (error instanceof APIError) {
      const type = error.type ? ` ${error.type}` : ''
      return {
        ok: false,
        latencyMs,
        status: error.status,
        error,
        detail: `${error.status ?? 'stream'}${type}: ${error.message}`,
      }
    }
    return { ok: false, latencyMs, error, detail: `${error.name}: ${error.message}` }
  }
}
