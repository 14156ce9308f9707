/**
 * System prompt blocks. Claude Code's full prompt is about 26 KB and changes every release; the
 * builder sends the short form qcc_plus used by default ("minimal system"), which keeps Claude
 * Code's identity line first, where upstreams that check for Claude Code look for it.
 */

/** Claude Code's identity line: always the first system block. */
export const CLAUDE_CODE_IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude."

/** The second block of the minimal system prompt. */
export const CLAUDE_CODE_SECOND_BLOCK =
  "You are a file search specialist for Claude Code, Anthropic's official CLI for Claude."

/** The text a warmup request sends as its user message. */
export const WARMUP_PROMPT = 'Warmup'
