import { describe, expect, it } from 'vitest'
import { createErrorFrameRedactor } from './error-frame-redactor'

const KEY = 'node-secret-key-123'
const errorFrame = (message: string) =>
  `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`
const delta =
  'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"sk-ant-not-a-frame"}}\n\n'

describe('createErrorFrameRedactor', () => {
  it('returns chunks without an error frame as they came (same buffer)', () => {
    const redact = createErrorFrameRedactor([KEY])
    const chunk = Buffer.from(delta)
    expect(redact.push(chunk)).toBe(chunk)
    expect(redact.end().length).toBe(0)
  })

  it('redacts the node key and key-shaped tokens inside an error frame only', () => {
    const redact = createErrorFrameRedactor([KEY])
    const chunk = Buffer.from(
      delta + errorFrame(`upstream rejected ${KEY} and sk-ant-api03-XyZ0123456`),
    )
    const out = redact.push(chunk).toString()
    expect(out).not.toContain(KEY)
    expect(out).not.toContain('sk-ant-api03-XyZ0123456')
    expect(out.startsWith(delta)).toBe(true)
    expect(out).toContain('[redacted]')
    const data = out.split('\n').find((l) => l.startsWith('data: {"type":"error"'))
    expect(JSON.parse((data ?? '').slice(6)).error.type).toBe('api_error')
  })

  it('holds a frame split over chunks until its blank line, so a cut key is still found', () => {
    const redact = createErrorFrameRedactor([KEY])
    const frame = errorFrame(`bad ${KEY}`)
    const cut = frame.indexOf(KEY) + 4
    const a = redact.push(Buffer.from(frame.slice(0, cut))).toString()
    expect(a).toBe('')
    const b = redact.push(Buffer.from(frame.slice(cut) + delta)).toString()
    expect(b).not.toContain(KEY.slice(4))
    expect(b.endsWith(delta)).toBe(true)
  })

  it('gives a held, unfinished frame back redacted at the end', () => {
    const redact = createErrorFrameRedactor([KEY])
    expect(redact.push(Buffer.from(`event: error\ndata: ${KEY}`)).length).toBe(0)
    const rest = redact.end().toString()
    expect(rest).toContain('event: error')
    expect(rest).not.toContain(KEY)
  })

  it('redacts two error frames in one chunk', () => {
    const redact = createErrorFrameRedactor([KEY])
    const out = redact.push(Buffer.from(errorFrame(KEY) + errorFrame(`again ${KEY}`))).toString()
    expect(out).not.toContain(KEY)
    expect(out.match(/event: error/g)).toHaveLength(2)
  })
})
