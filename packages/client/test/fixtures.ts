/**
 * Recorded Messages API streams (shaped exactly as Anthropic sends them), for parser tests.
 */

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

/** A text answer with multi-byte characters (CJK, emoji, combining marks) and a ping. */
export const TEXT_STREAM = [
  frame('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-5-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: 472,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 2,
      },
    },
  }),
  frame('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  }),
  frame('ping', { type: 'ping' }),
  frame('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: '你好，世界！' },
  }),
  frame('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: ' Grüße 👋🏽 e\u0301 𝄞' },
  }),
  frame('content_block_stop', { type: 'content_block_stop', index: 0 }),
  frame('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: 15 },
  }),
  frame('message_stop', { type: 'message_stop' }),
].join('')

/** Thinking, then a tool call whose input arrives as JSON pieces. */
export const TOOL_STREAM = [
  frame('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-5-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 1 },
    },
  }),
  frame('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'thinking', thinking: '', signature: '' },
  }),
  frame('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'thinking_delta', thinking: 'Je réfléchis… ' },
  }),
  frame('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA' },
  }),
  frame('content_block_stop', { type: 'content_block_stop', index: 0 }),
  frame('content_block_start', {
    type: 'content_block_start',
    index: 1,
    content_block: {
      type: 'tool_use',
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      name: 'Read',
      input: {},
    },
  }),
  frame('content_block_delta', {
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: '{"file_path": "/tmp/' },
  }),
  frame('content_block_delta', {
    type: 'content_block_delta',
    index: 1,
    delta: { type: 'input_json_delta', partial_json: 'ü.txt"}' },
  }),
  frame('content_block_stop', { type: 'content_block_stop', index: 1 }),
  frame('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { output_tokens: 89, input_tokens: 100 },
  }),
  frame('message_stop', { type: 'message_stop' }),
].join('')

/** A stream that fails part-way with an `event: error` frame. */
export const ERROR_STREAM =
  TEXT_STREAM.split('event: content_block_stop')[0] +
  frame('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })

/** The text stream with CRLF line ends and a comment line, as some proxies re-frame it. */
export const CRLF_STREAM = ': keepalive\r\n\r\n' + TEXT_STREAM.replace(/\n/g, '\r\n')
