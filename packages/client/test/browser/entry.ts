/**
 * Browser entry for browser.test.ts: bundled by Vite, loaded in headless Chromium. It exposes one
 * function that streams a message through the client from the page's own origin.
 */
import { createClaudeCode, createClient } from '../../src/index'

/** What the page exposes on `globalThis` (typed here without the DOM lib). */
export interface BrowserHooks {
  qccStream(prompt: string): Promise<StreamResult>
  qccReady: boolean
  location: { origin: string }
}

/** What {@link BrowserHooks.qccStream} resolves with. */
export interface StreamResult {
  text: string
  deltas: number
  events: string[]
  outputTokens: number
}

const page = globalThis as unknown as BrowserHooks

page.qccStream = async (prompt) => {
  const client = createClient({ baseUrl: page.location.origin, apiKey: 'browser-key' })
  const claudeCode = createClaudeCode({ model: 'claude-haiku-5-5' })
  const { body, headers, query } = claudeCode.request(prompt)
  const stream = client.messages.stream(body, { headers, query })
  const events: string[] = []
  let text = ''
  let deltas = 0
  for await (const event of stream) {
    events.push(event.type)
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      text += event.delta.text
      deltas++
    }
  }
  const final = await stream.finalMessage()
  return { text, deltas, events, outputTokens: final.usage.output_tokens }
}
page.qccReady = true
