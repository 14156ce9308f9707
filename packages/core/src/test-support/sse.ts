// A recorded-style Messages stream: multi-byte text, cache split, running totals in message_delta.
const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

export function sampleStream(
  opts: { eol?: '\n' | '\r\n'; cut?: boolean; noEventLines?: boolean } = {},
): string {
  const frames = [
    frame('message_start', {
      type: 'message_start',
      message: {
        id: 'msg_01',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-5-5',
        usage: {
          input_tokens: 1200,
          cache_creation_input_tokens: 300,
          cache_read_input_tokens: 5000,
          cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
          output_tokens: 1,
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
      delta: { type: 'text_delta', text: '你好，世界 🌍 — ça va?' },
    }),
    frame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: null },
      usage: { output_tokens: 15 },
    }),
    frame('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'ありがとう 👍🏽' },
    }),
    frame('content_block_stop', { type: 'content_block_stop', index: 0 }),
    frame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn' },
      usage: {
        output_tokens: 42,
        input_tokens: 1200,
        cache_creation_input_tokens: 300,
        cache_read_input_tokens: 5000,
      },
    }),
    frame('message_stop', { type: 'message_stop' }),
  ]
  let text = (opts.cut === true ? frames.slice(0, 5) : frames).join('')
  if (opts.noEventLines === true) text = text.replace(/^event: .*\n/gm, '')
  if (opts.eol === '\r\n') text = text.replace(/\n/g, '\r\n')
  return text
}
