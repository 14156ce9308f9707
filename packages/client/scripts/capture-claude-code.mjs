#!/usr/bin/env node
/**
 * Refreshes the Claude Code data files from a real Claude Code: runs `claude -p "say hi"` against
 * a local capture server (offline, temporary HOME), writes the tool definitions it sent to
 * src/claude-code/data/tools.json, and prints the version, betas and headers it sent, to copy
 * into data/version.ts and data/betas.ts by hand.
 *
 * usage: node scripts/capture-claude-code.mjs [path/to/claude]
 * (default: the `claude` of apps/proxy, a devDependency there)
 */
/* global Buffer, URL, clearTimeout, console, process, setTimeout */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Tools kept: Claude Code's core ones, not the feature-flagged extras (Workflow, Cron*, ...). */
const KEEP = new Set([
  'Agent',
  'Bash',
  'Edit',
  'NotebookEdit',
  'Read',
  'Skill',
  'TaskCreate',
  'TaskGet',
  'TaskList',
  'TaskOutput',
  'TaskStop',
  'TaskUpdate',
  'WebFetch',
  'WebSearch',
  'Write',
])

const claude =
  process.argv[2] ??
  fileURLToPath(new URL('../../../apps/proxy/node_modules/.bin/claude', import.meta.url))
const toolsFile = fileURLToPath(new URL('../src/claude-code/data/tools.json', import.meta.url))

const sse = (event, data) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
const ANSWER = [
  sse('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_capture',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 1 },
    },
  }),
  sse('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  }),
  sse('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'hi' },
  }),
  sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
  sse('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: 1 },
  }),
  sse('message_stop', { type: 'message_stop' }),
].join('')

const captured = []
const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    captured.push({
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    })
    if (req.method !== 'POST') return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'text/event-stream' }).end(ANSWER)
  })
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const home = await mkdtemp(join(tmpdir(), 'qcc-capture-'))
try {
  const code = await new Promise((resolve, reject) => {
    const child = spawn(claude, ['-p', 'say hi', '--model', 'claude-sonnet-4-5-20250929'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        // eslint-disable-next-line no-restricted-properties -- a standalone maintenance script
        PATH: process.env.PATH,
        HOME: home,
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${server.address().port}`,
        ANTHROPIC_API_KEY: 'sk-capture',
        DISABLE_TELEMETRY: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
      },
    })
    const timer = setTimeout(() => child.kill('SIGTERM'), 120_000)
    child.on('error', reject)
    child.on('exit', (c) => {
      clearTimeout(timer)
      resolve(c)
    })
  })
  const main = captured.find((r) => r.method === 'POST' && r.url?.startsWith('/v1/messages'))
  if (code !== 0 || !main)
    throw new Error(`claude exited ${code}; captured ${captured.length} requests`)
  const body = JSON.parse(main.body)
  const tools = body.tools.filter((t) => KEEP.has(t.name))
  await writeFile(toolsFile, JSON.stringify(tools, null, 2) + '\n')
  const { system, tools: _t, messages: _m, ...rest } = body
  console.log(
    JSON.stringify(
      {
        wrote: `${toolsFile} (${tools.length} of ${body.tools.length} tools)`,
        skipped: body.tools.map((t) => t.name).filter((n) => !KEEP.has(n)),
        url: main.url,
        headers: main.headers,
        body: rest,
        system: system.map((b) => ({ ...b, text: b.text.slice(0, 120) })),
      },
      null,
      2,
    ),
  )
} finally {
  server.close()
  await rm(home, { recursive: true, force: true })
}
