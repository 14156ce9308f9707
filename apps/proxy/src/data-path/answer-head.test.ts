import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { FAKE_200_PREFIX } from '@qcc/core'
import { AnswerHeadTimeoutError, readAnswerHead } from './answer-head'

describe('readAnswerHead (docs/contract.md §13 fake 200)', () => {
  it('takes an answer already buffered at once, leaving the stream without listeners', async () => {
    const body = new PassThrough()
    const text = '{"type":"message","id":"m"}'
    body.write(text)
    const head = await readAnswerHead(body, 1000, text.length)
    expect(Buffer.concat(head.chunks).toString()).toBe(text)
    expect(head.text).toBe(text)
    expect(body.listenerCount('data')).toBe(0)
    expect(body.listenerCount('end')).toBe(0)
  })
  it('waits for the first 4 KiB, or the end, when fewer bytes are in', async () => {
    const body = new PassThrough()
    body.write('{"type":')
    const reading = readAnswerHead(body, 1000, 30)
    setTimeout(() => body.end('"error","error":{}}'), 10)
    const head = await reading
    expect(head.text).toBe('{"type":"error","error":{}}')
    const big = new PassThrough()
    const pending = readAnswerHead(big, 1000)
    big.write(Buffer.alloc(FAKE_200_PREFIX - 1, 0x20))
    big.write(Buffer.from('<p>'))
    const first = await pending
    expect(first.text.length).toBe(FAKE_200_PREFIX)
    expect(big.readableEnded).toBe(false)
    expect(big.listenerCount('data')).toBe(0)
  })
  it('fails with its own error when nothing comes in time', async () => {
    const body = new PassThrough()
    await expect(readAnswerHead(body, 20)).rejects.toBeInstanceOf(AnswerHeadTimeoutError)
  })
})
