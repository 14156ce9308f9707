/**
 * Builds requests that look like Claude Code's: its headers, system blocks with cache control,
 * its tool definitions, `metadata.user_id` and the warmup requests that precede the main one.
 */
import { ANTHROPIC_VERSION } from '../client'
import type { MessageCreateParams, MessageParam, TextBlockParam, Tool } from '../types'
import { CLAUDE_CODE_BETAS, CLAUDE_CODE_SMALL_MODEL_BETAS } from './data/betas'
import { DEFAULT_MODEL, DEFAULT_WARMUP_MODEL } from './data/models'
import { CLAUDE_CODE_IDENTITY, CLAUDE_CODE_SECOND_BLOCK, WARMUP_PROMPT } from './data/system'
import toolsJson from './data/tools.json'
import { CLAUDE_CODE_SDK_VERSION, CLAUDE_CODE_VERSION } from './data/version'
import { cryptoRandomSource, formatUserId, newDeviceId, type RandomSource } from './identity'

/** Claude Code's tool definitions (`name`, `description`, `input_schema`), from `tools.json`. */
export const CLAUDE_CODE_TOOLS: readonly Tool[] = Object.freeze(toolsJson as Tool[])

/** The default system blocks: both text, both with ephemeral cache control. */
export const CLAUDE_CODE_SYSTEM: readonly TextBlockParam[] = Object.freeze([
  { type: 'text', text: CLAUDE_CODE_IDENTITY, cache_control: { type: 'ephemeral' } },
  { type: 'text', text: CLAUDE_CODE_SECOND_BLOCK, cache_control: { type: 'ephemeral' } },
])

/** Options of {@link createClaudeCode}. Every field has a default. */
export interface ClaudeCodeOptions {
  /** Main model. Default {@link DEFAULT_MODEL}. */
  model?: string
  /** Model of the first warmup (Claude Code's small fast model). Default {@link DEFAULT_WARMUP_MODEL}. */
  smallModel?: string
  /** Session id (header and `metadata.user_id`). Default: a new UUID. */
  sessionId?: string
  /** Device id, 64 hex. Default: a new random one. */
  deviceId?: string
  /** Account UUID for OAuth users. Default `''` (API key users). */
  accountUuid?: string
  /** Claude Code version in `user-agent`. Default {@link CLAUDE_CODE_VERSION}. */
  version?: string
  /** Entry point in `user-agent`: `cli` (interactive) or `sdk-cli` (`claude -p`). Default `cli`. */
  entrypoint?: string
  /** System blocks. Default {@link CLAUDE_CODE_SYSTEM}. */
  system?: readonly TextBlockParam[]
  /** Tools of the main request. Default {@link CLAUDE_CODE_TOOLS}. */
  tools?: readonly Tool[]
  /** `anthropic-beta` of the main request. Default {@link CLAUDE_CODE_BETAS}. */
  betas?: readonly string[]
  /** `max_tokens` of every request. Default 32000, as Claude Code. */
  maxTokens?: number
  /** Adds `x-stainless-os`, `-arch` and `-runtime-version` (Node callers pass `process` values). */
  platform?: { os: string; arch: string; runtimeVersion: string }
  /** Random source for the ids. Default `globalThis.crypto`. */
  random?: RandomSource
}

/** One request ready for `client.messages.stream(body, { headers, query })`. */
export interface ClaudeCodeRequest {
  /** `Warmup #1`, `Warmup #2` or `Main request`: for progress output. */
  label: string
  body: MessageCreateParams
  headers: Record<string, string>
  /** Claude Code calls the beta endpoint: `?beta=true`. */
  query: { beta: 'true' }
}

/** Per-request changes to a {@link ClaudeCode.request}. */
export interface ClaudeCodeRequestOverrides {
  model?: string
  maxTokens?: number
  tools?: readonly Tool[]
  system?: readonly TextBlockParam[]
  betas?: readonly string[]
  /** Enables extended thinking with this budget (Claude Code uses `maxTokens - 1`). */
  thinkingBudget?: number
  stream?: boolean
}

/** A Claude Code "session": fixed ids, and builders for its requests. */
export interface ClaudeCode {
  readonly sessionId: string
  readonly deviceId: string
  /** `metadata.user_id` of every request of this session. */
  readonly userId: string
  readonly model: string
  readonly smallModel: string
  /** The headers Claude Code sends, with this `anthropic-beta` list. */
  headers(betas?: readonly string[]): Record<string, string>
  /** The main request for a prompt (or a whole conversation). */
  request(
    prompt: string | MessageParam[],
    overrides?: ClaudeCodeRequestOverrides,
  ): ClaudeCodeRequest
  /** The warmups, in order: `Warmup #1` with the small model, `Warmup #2` with the main one. */
  warmups(): ClaudeCodeRequest[]
}

/**
 * Creates a Claude Code session.
 * @example
 * const cc = createClaudeCode({ model: 'claude-sonnet-5-5' })
 * const { body, headers, query } = cc.request('hello')
 * const stream = client.messages.stream(body, { headers, query })
 */
export function createClaudeCode(options: ClaudeCodeOptions = {}): ClaudeCode {
  const random = options.random ?? cryptoRandomSource
  const sessionId = options.sessionId ?? random.randomUUID()
  const deviceId = options.deviceId ?? newDeviceId(random)
  const userId = formatUserId({ deviceId, sessionId, accountUuid: options.accountUuid ?? '' })
  const model = options.model ?? DEFAULT_MODEL
  const smallModel = options.smallModel ?? DEFAULT_WARMUP_MODEL
  const system = options.system ?? CLAUDE_CODE_SYSTEM
  const maxTokens = options.maxTokens ?? 32_000
  const version = options.version ?? CLAUDE_CODE_VERSION
  const entrypoint = options.entrypoint ?? 'cli'

  const headers = (betas: readonly string[] = options.betas ?? CLAUDE_CODE_BETAS) => {
    const out: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/json',
      'user-agent': `claude-cli/${version} (external, ${entrypoint})`,
      'x-app': 'cli',
      'x-claude-code-session-id': sessionId,
      'anthropic-version': ANTHROPIC_VERSION,
      'anthropic-beta': betas.join(','),
      'anthropic-dangerous-direct-browser-access': 'true',
      'x-stainless-lang': 'js',
      'x-stainless-package-version': CLAUDE_CODE_SDK_VERSION,
      'x-stainless-retry-count': '0',
      'x-stainless-runtime': 'node',
      'x-stainless-timeout': '600',
    }
    if (options.platform) {
      out['x-stainless-os'] = options.platform.os
      out['x-stainless-arch'] = options.platform.arch
      out['x-stainless-runtime-version'] = options.platform.runtimeVersion
    }
    return out
  }

  const userMessage = (text: string): MessageParam => ({
    role: 'user',
    content: [{ type: 'text', text, cache_control: { type: 'ephemeral' } }],
  })

  const build = (
    label: string,
    messages: MessageParam[],
    o: ClaudeCodeRequestOverrides & { withTools: boolean },
  ): ClaudeCodeRequest => {
    const tools = o.withTools ? [...(o.tools ?? options.tools ?? CLAUDE_CODE_TOOLS)] : undefined
    const max = o.maxTokens ?? maxTokens
    // Key order follows Claude Code's own bodies.
    const body: MessageCreateParams = {
      model: o.model ?? model,
      messages,
      system: [...(o.system ?? system)],
      ...(tools && tools.length > 0 ? { tools } : {}),
      metadata: { user_id: userId },
      max_tokens: max,
      ...(o.thinkingBudget
        ? { thinking: { type: 'enabled', budget_tokens: o.thinkingBudget } }
        : {}),
      stream: o.stream ?? true,
    }
    return { label, body, headers: headers(o.betas), query: { beta: 'true' } }
  }

  return {
    sessionId,
    deviceId,
    userId,
    model,
    smallModel,
    headers,
    request(prompt, overrides = {}) {
      const messages = typeof prompt === 'string' ? [userMessage(prompt)] : prompt
      return build('Main request', messages, { ...overrides, withTools: true })
    },
    warmups() {
      return [
        build('Warmup #1', [userMessage(WARMUP_PROMPT)], {
          model: smallModel,
          betas: CLAUDE_CODE_SMALL_MODEL_BETAS,
          withTools: false,
        }),
        build('Warmup #2', [userMessage(WARMUP_PROMPT)], { model, withTools: false }),
      ]
    },
  }
}
