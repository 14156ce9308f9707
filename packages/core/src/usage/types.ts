/**
 * Token usage of one request, as Anthropic reports it (`usage` of the message, running totals of
 * `message_delta`). Counts are whole tokens; unknown fields are 0 or null.
 */
export interface Usage {
  model: string | null
  messageId: string | null
  inputTokens: number
  outputTokens: number
  /** All cache writes (`cache_creation_input_tokens`). */
  cacheCreationInputTokens: number
  /** Cache writes with the 5-minute TTL (`cache_creation.ephemeral_5m_input_tokens`). */
  cacheCreation5mTokens: number
  /** Cache writes with the 1-hour TTL (`cache_creation.ephemeral_1h_input_tokens`). */
  cacheCreation1hTokens: number
  cacheReadInputTokens: number
  stopReason: string | null
  /** An `event: error` (or an error body) was seen. */
  sawError: boolean
  /** Its Anthropic error type, e.g. `overloaded_error`. */
  errorType: string | null
  /** Name of the first SSE event (`message_start` normally). */
  firstEventType: string | null
  /** `message_stop` arrived (or the JSON body was complete): the usage is final, not partial. */
  complete: boolean
}

/** An all-zero {@link Usage}. */
export function emptyUsage(): Usage {
  return {
    model: null,
    messageId: null,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheCreation5mTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadInputTokens: 0,
    stopReason: null,
    sawError: false,
    errorType: null,
    firstEventType: null,
    complete: false,
  }
}

const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined

/**
 * Copies the counts an Anthropic `usage` object carries into `into`. Fields absent or null are
 * left as they were, and present ones replace (never add to) the old value: `message_delta`
 * repeats running totals, so adding would double count.
 */
export function applyUsageObject(into: Usage, usage: unknown): void {
  if (typeof usage !== 'object' || usage === null) return
  const u = usage as Record<string, unknown>
  const input = count(u.input_tokens)
  if (input !== undefined) into.inputTokens = input
  const output = count(u.output_tokens)
  if (output !== undefined) into.outputTokens = output
  const read = count(u.cache_read_input_tokens)
  if (read !== undefined) into.cacheReadInputTokens = read
  const created = count(u.cache_creation_input_tokens)
  const split = u.cache_creation as Record<string, unknown> | null | undefined
  const fiveMin = count(split?.ephemeral_5m_input_tokens)
  const oneHour = count(split?.ephemeral_1h_input_tokens)
  if (fiveMin !== undefined || oneHour !== undefined) {
    into.cacheCreation5mTokens = fiveMin ?? 0
    into.cacheCreation1hTokens = oneHour ?? 0
  }
  if (created !== undefined) {
    into.cacheCreationInputTokens = created
    // Without a split in this object (message_delta never has one), keep the known 1-hour part
    // and count the rest as 5-minute writes, the default TTL.
    if (split === undefined || split === null) {
      into.cacheCreation5mTokens = Math.max(0, created - into.cacheCreation1hTokens)
    }
  }
}
