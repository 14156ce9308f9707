/**
 * Anthropic Messages API shapes used by the client. They follow the public API and stay open:
 * unknown block and delta types pass through untouched, so a new API feature never breaks parsing.
 */

/** Cache control marker on a block (`{ type: 'ephemeral' }`, optionally with a `ttl` of `1h`). */
export interface CacheControl {
  type: 'ephemeral'
  ttl?: '5m' | '1h'
}

/** A text block in a request (system prompt or message content). */
export interface TextBlockParam {
  type: 'text'
  text: string
  cache_control?: CacheControl
}

/** Any content block in a request; text is typed, other kinds (image, tool_result, ...) are open. */
export type ContentBlockParam = TextBlockParam | { type: string; [field: string]: unknown }

/** One message of the conversation in a request. */
export interface MessageParam {
  role: 'user' | 'assistant'
  content: string | ContentBlockParam[]
}

/** A tool the model may call: a name, a description and a JSON schema for its input. */
export interface Tool {
  name: string
  description?: string
  input_schema: { type: 'object'; [field: string]: unknown }
  cache_control?: CacheControl
  [field: string]: unknown
}

/** Body of `POST /v1/messages`. Extra fields are passed through as they are. */
export interface MessageCreateParams {
  model: string
  max_tokens: number
  messages: MessageParam[]
  system?: string | TextBlockParam[]
  tools?: Tool[]
  tool_choice?: { type: string; [field: string]: unknown }
  metadata?: { user_id?: string }
  stream?: boolean
  temperature?: number
  top_p?: number
  top_k?: number
  stop_sequences?: string[]
  thinking?: { type: 'enabled'; budget_tokens: number } | { type: 'disabled' }
  [field: string]: unknown
}

/** Body of `POST /v1/messages/count_tokens` (a create body without `max_tokens` and `stream`). */
export type CountTokensParams = Omit<MessageCreateParams, 'max_tokens' | 'stream'>

/** Answer of `POST /v1/messages/count_tokens`. */
export interface CountTokensResult {
  input_tokens: number
}

/** Token usage of one answer; fields the upstream did not send are absent or `null`. */
export interface Usage {
  input_tokens: number
  output_tokens: number
  cache_creation_input_tokens?: number | null
  cache_read_input_tokens?: number | null
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number } | null
  [field: string]: unknown
}

/** A text block in an answer. */
export interface TextBlock {
  type: 'text'
  text: string
  citations?: unknown[] | null
}

/** A thinking block in an answer. */
export interface ThinkingBlock {
  type: 'thinking'
  thinking: string
  signature: string
}

/** A tool call in an answer; `input` is the parsed JSON the model produced. */
export interface ToolUseBlock {
  type: 'tool_use' | 'server_tool_use'
  id: string
  name: string
  input: unknown
}

/** Any block in an answer; the known kinds are typed, others pass through. */
export type ContentBlock =
  TextBlock | ThinkingBlock | ToolUseBlock | { type: string; [field: string]: unknown }

/** A complete answer of `POST /v1/messages`. */
export interface Message {
  id: string
  type: 'message'
  role: 'assistant'
  model: string
  content: ContentBlock[]
  stop_reason: string | null
  stop_sequence: string | null
  usage: Usage
  [field: string]: unknown
}

/** The incremental piece of a `content_block_delta` event. */
export type ContentBlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'citations_delta'; citation: unknown }

/** `message_start`: the answer's envelope, with empty content and the input usage. */
export interface MessageStartEvent {
  type: 'message_start'
  message: Message
}

/** `content_block_start`: a new block at `index`. */
export interface ContentBlockStartEvent {
  type: 'content_block_start'
  index: number
  content_block: ContentBlock
}

/** `content_block_delta`: more content for the block at `index`. */
export interface ContentBlockDeltaEvent {
  type: 'content_block_delta'
  index: number
  delta: ContentBlockDelta
}

/** `content_block_stop`: the block at `index` is complete. */
export interface ContentBlockStopEvent {
  type: 'content_block_stop'
  index: number
}

/** `message_delta`: stop reason and the (cumulative) output usage. */
export interface MessageDeltaEvent {
  type: 'message_delta'
  delta: { stop_reason: string | null; stop_sequence?: string | null; [field: string]: unknown }
  usage: Partial<Usage>
}

/** `message_stop`: the answer is complete. */
export interface MessageStopEvent {
  type: 'message_stop'
}

/**
 * One event of a streamed answer. `ping` never appears (it is dropped) and `error` never appears
 * (it is thrown as an {@link APIError} subclass).
 */
export type MessageStreamEvent =
  | MessageStartEvent
  | ContentBlockStartEvent
  | ContentBlockDeltaEvent
  | ContentBlockStopEvent
  | MessageDeltaEvent
  | MessageStopEvent

/** One model in `GET /v1/models`. */
export interface ModelInfo {
  type: 'model'
  id: string
  display_name: string
  created_at: string
  [field: string]: unknown
}

/** One page of `GET /v1/models`. */
export interface ModelPage {
  data: ModelInfo[]
  has_more: boolean
  first_id: string | null
  last_id: string | null
}

/** Query of `GET /v1/models`. */
export interface ModelListParams {
  limit?: number
  after_id?: string
  before_id?: string
}
