/**
 * `anthropic-beta` lists, as observed from Claude Code 2.1.197 (`claude -p`, API key auth).
 */

/** The list on the main request (and the warmup with the main model). */
export const CLAUDE_CODE_BETAS: readonly string[] = Object.freeze([
  'claude-code-20250219',
  'interleaved-thinking-2025-05-14',
  'thinking-token-count-2026-05-13',
  'context-management-2025-06-27',
  'prompt-caching-scope-2026-01-05',
])

/**
 * The list on the small-model warmup: Claude Code's background requests to the small model do
 * not carry `claude-code-20250219` (as qcc_plus's first warmup did not).
 */
export const CLAUDE_CODE_SMALL_MODEL_BETAS: readonly string[] = Object.freeze(
  CLAUDE_CODE_BETAS.filter((beta) => beta !== 'claude-code-20250219'),
)
