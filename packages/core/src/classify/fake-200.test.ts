import { describe, expect, it } from 'vitest'
import { detectFake200, FAKE_200_PREFIX } from './fake-200'

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0))

describe('docs/contract.md §13: detectFake200', () => {
  it('flags an HTML page, with or without leading whitespace', () => {
    expect(detectFake200('<!DOCTYPE html><html><body>Bad gateway</body></html>')).toBe(true)
    expect(detectFake200(' \r\n\t <html>')).toBe(true)
    expect(detectFake200('\uFEFF<html>')).toBe(true)
    expect(detectFake200(bytes('\n\n<html>'))).toBe(true)
  })
  it('flags an Anthropic error object sent with 200', () => {
    const body = '{"type":"error","error":{"type":"api_error","message":"upstream down"}}'
    expect(detectFake200(body)).toBe(true)
    expect(detectFake200(bytes(body))).toBe(true)
    expect(detectFake200(new TextEncoder().encode('{"note":"héllo ✓ 日本","type":"error"}'))).toBe(
      true,
    )
    expect(detectFake200('  {\n  "type" : "error",\n  "error": {}\n}')).toBe(true)
    // The top-level type need not come first.
    expect(detectFake200('{"error":{"type":"overloaded_error"},"type":"error"}')).toBe(true)
  })
  it('does not flag a normal message', () => {
    const msg =
      '{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"hi"}]}'
    expect(detectFake200(msg)).toBe(false)
    expect(detectFake200(bytes(msg))).toBe(false)
    expect(detectFake200(`  ${msg}`)).toBe(false)
  })
  it('looks only at the top level: a nested "type": "error" is not an error object', () => {
    expect(detectFake200('{"content":[{"type":"error"}],"type":"message"}')).toBe(false)
    expect(detectFake200('{"meta":{"type":"error"},"type":"message"}')).toBe(false)
    expect(detectFake200('{"note":"\\"type\\":\\"error\\"","type":"message"}')).toBe(false)
  })
  it('does not flag other bodies', () => {
    expect(detectFake200('[{"type":"error"}]')).toBe(false)
    expect(detectFake200('plain text')).toBe(false)
    expect(detectFake200('{"type":1}')).toBe(false)
    expect(detectFake200('{}')).toBe(false)
  })
  it('treats a prefix too short to tell as not fake', () => {
    expect(detectFake200('')).toBe(false)
    expect(detectFake200('   \n')).toBe(false)
    expect(detectFake200(new Uint8Array())).toBe(false)
    expect(detectFake200('{')).toBe(false)
    expect(detectFake200('{"type":"err')).toBe(false)
    expect(detectFake200('{"id":"msg_1", "ty')).toBe(false)
  })
  it('reads only the first bytes, never the whole body', () => {
    const late = `{"pad":"${'x'.repeat(FAKE_200_PREFIX)}","type":"error"}`
    expect(detectFake200(late)).toBe(false)
    expect(detectFake200(bytes(late))).toBe(false)
    const early = `{"type":"error","pad":"${'x'.repeat(FAKE_200_PREFIX * 4)}`
    expect(detectFake200(early)).toBe(true)
    expect(detectFake200(bytes(early))).toBe(true)
  })
})
