/**
 * `qcc message <text...>`: one request the way Claude Code sends it (warmups first, unless
 * `NO_WARMUP=1`), its text streamed to stdout as it arrives, progress and usage to stderr.
 */
import {
  APIError,
  ClientError,
  createClaudeCode,
  createClient,
  runClaudeCodeSequence,
  type FetchLike,
  type Usage,
} from '@qcc/client'

/** The env `qcc message` reads (docs/contract.md §6.2), passed in from the validated env module. */
export interface MessageCommandEnv {
  ANTHROPIC_AUTH_TOKEN?: string
  ANTHROPIC_API_KEY?: string
  ANTHROPIC_BASE_URL?: string
  MODEL?: string
  WARMUP_MODEL?: string
  NO_WARMUP?: string
}

/** Where `qcc message` writes. */
export interface TextSink {
  write(s: string): unknown
}

/** Inputs of {@link runMessageCommand}. */
export interface MessageCommandOptions {
  /** The words after `qcc message`, joined with spaces into the prompt. */
  args: string[]
  env: MessageCommandEnv
  stdout: TextSink
  stderr: TextSink
  /** Injected for tests; default the global `fetch`. */
  fetch?: FetchLike
  /** Aborts the running request (the CLI wires SIGINT to it). */
  signal?: AbortSignal
  /** `x-stainless-*` platform headers (the CLI passes `process.platform` etc.). */
  platform?: { os: string; arch: string; runtimeVersion: string }
}

const DEFAULT_BASE_URL = 'https://api.anthropic.com'

/**
 * Runs `qcc message`. Resolves with the exit code: 0 on success, 1 when the upstream (or the
 * connection) fails, with its error message on stderr, 2 for a usage error.
 */
export async function runMessageCommand(options: MessageCommandOptions): Promise<number> {
  const { env, stdout, stderr } = options
  const prompt = options.args.join(' ').trim()
  if (!prompt) {
    stderr.write('qcc message: need a message argument (usage: qcc message <text...>)\n')
    return 2
  }
  const authToken = env.ANTHROPIC_AUTH_TOKEN || undefined
  const apiKey = authToken ? undefined : env.ANTHROPIC_API_KEY || undefined
  if (!authToken && !apiKey) {
    stderr.write('qcc message: missing ANTHROPIC_AUTH_TOKEN (or ANTHROPIC_API_KEY)\n')
    return 2
  }
  const baseUrl = env.ANTHROPIC_BASE_URL || DEFAULT_BASE_URL
  let client
  try {
    client = createClient({ baseUrl, authToken, apiKey, fetch: options.fetch })
  } catch (err) {
    stderr.write(`qcc message: ANTHROPIC_BASE_URL: ${(err as Error).message}\n`)
    return 2
  }
  const claudeCode = createClaudeCode({
    model: env.MODEL || undefined,
    smallModel: env.WARMUP_MODEL || undefined,
    platform: options.platform,
  })
  const warmup = !isTrue(env.NO_WARMUP)
  let wroteText = false
  try {
    const { message } = await runClaudeCodeSequence({
      client,
      claudeCode,
      prompt,
      warmup,
      signal: options.signal,
      onRequest: (request) => stderr.write(`${request.label} with ${request.body.model}\n`),
      onText: (text) => {
        wroteText = true
        stdout.write(text)
      },
    })
    if (wroteText) stdout.write('\n')
    stderr.write(`stop: ${message.stop_reason ?? 'none'}; usage: ${formatUsage(message.usage)}\n`)
    return 0
  } catch (err) {
    if (wroteText) stdout.write('\n')
    stderr.write(`qcc message: ${describeError(err)}\n`)
    return 1
  }
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim())
}

/** `input 25, output 5, cache write 10, cache read 5` */
export function formatUsage(usage: Usage): string {
  const parts = [`input ${usage.input_tokens}`, `output ${usage.output_tokens}`]
  if (usage.cache_creation_input_tokens)
    parts.push(`cache write ${usage.cache_creation_input_tokens}`)
  if (usage.cache_read_input_tokens) parts.push(`cache read ${usage.cache_read_input_tokens}`)
  return parts.join(', ')
}

function describeError(err: unknown): string {
  if (err instanceof APIError) {
    const where = err.status !== undefined ? `upstream ${err.status}` : 'upstream stream error'
    const type = err.type ? ` ${err.type}` : ''
    const id = err.requestId ? ` (request ${err.requestId})` : ''
    return `${where}${type}: ${err.message}${id}`
  }
  if (err instanceof ClientError) return err.message
  return err instanceof Error ? err.message : String(err)
}
