/**
 * Default models of `qcc message` and the warmup sequence, current as of the build (taken from
 * the model list of `@anthropic-ai/sdk` 1.14.0). Update when a newer model ships.
 */

/** Model of the main request when none is given. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5'

/** Model of the first warmup (Claude Code's "small fast model") when none is given. */
export const DEFAULT_WARMUP_MODEL = 'claude-haiku-5-5'
