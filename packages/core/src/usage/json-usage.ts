import { applyUsageObject, emptyUsage, type Usage } from './types'

/**
 * Usage of a non-streaming Messages answer: a parsed JSON body, or its text.
 * An error body (`{"type":"error",...}`) gives zero counts with `sawError`.
 *
 * @example
 * ```ts
 * usageFromJson('{"id":"msg_1","model":"claude-sonnet-5-5","stop_reason":"end_turn",' +
 *   '"usage":{"input_tokens":12,"output_tokens":3}}').outputTokens // 3
 * ```
 */
export function usageFromJson(body: unknown): Usage {
  const usage = emptyUsage()
  let data = body
  if (typeof body === 'string') {
    try {
      data = JSON.parse(body)
    } catch {
      return usage
    }
  }
  if (typeof data !== 'object' || data === null) return usage
  const message = data as Record<string, unknown>
  if (message.type === 'error') {
    usage.sawError = true
    const type = (message.error as { type?: unknown } | undefined)?.type
    if (typeof type === 'string') usage.errorType = type
    return usage
  }
  if (typeof message.model === 'string') usage.model = message.model
  if (typeof message.id === 'string') usage.messageId = message.id
  if (typeof message.stop_reason === 'string') usage.stopReason = message.stop_reason
  applyUsageObject(usage, message.usage)
  usage.complete = message.usage !== undefined
  return usage
}
