/**
 * @qcc/client: an Anthropic Messages client that can talk like Claude Code. Runs in Node 20+ and
 * in browsers (no `node:` imports); `fetch` is injectable.
 */
export {
  ANTHROPIC_VERSION,
  DEFAULT_TIMEOUT_MS,
  createClient,
  type Client,
  type ClientOptions,
} from './client'
export { MessageStream } from './message-stream'
export { probeMessagesApi, type ProbeOptions, type ProbeResult } from './probe'
export { buildUrl, type FetchLike, type RequestOptions } from './transport'
export { MAX_RETRY_AFTER_MS, retryAfterMs, retryDelayMs } from './retry'
export { createMessageAccumulator, type MessageAccumulator } from './accumulate'
export {
  createSseDecoder,
  frameToEvent,
  type FrameContext,
  type SseDecoder,
  type SseFrame,
} from './sse'
export {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  BillingError,
  ClientError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  RequestTooLargeError,
  StreamFormatError,
  UnprocessableEntityError,
  apiErrorFor,
  apiErrorFromResponse,
  errorFields,
  headersToRecord,
  type APIErrorInit,
  type ErrorHeaders,
} from './errors'
export {
  CLAUDE_CODE_SYSTEM,
  CLAUDE_CODE_TOOLS,
  createClaudeCode,
  type ClaudeCode,
  type ClaudeCodeOptions,
  type ClaudeCodeRequest,
  type ClaudeCodeRequestOverrides,
} from './claude-code/builder'
export {
  runClaudeCodeSequence,
  type ClaudeCodeSequenceOptions,
  type ClaudeCodeSequenceResult,
} from './claude-code/sequence'
export {
  cryptoRandomSource,
  formatUserId,
  newDeviceId,
  parseUserId,
  uuidFromBytes,
  type RandomSource,
  type UserIdParts,
} from './claude-code/identity'
export { CLAUDE_CODE_BETAS, CLAUDE_CODE_SMALL_MODEL_BETAS } from './claude-code/data/betas'
export { DEFAULT_MODEL, DEFAULT_WARMUP_MODEL } from './claude-code/data/models'
export {
  CLAUDE_CODE_IDENTITY,
  CLAUDE_CODE_SECOND_BLOCK,
  WARMUP_PROMPT,
} from './claude-code/data/system'
export { CLAUDE_CODE_SDK_VERSION, CLAUDE_CODE_VERSION } from './claude-code/data/version'
export type * from './types'

/** Package version. */
export const VERSION = '0.1.0'
