import { describe, expect, it } from 'vitest'
import { classifyUpstreamOutcome } from './classify/classify'
import { CoreError, UpstreamError } from './errors'

describe('typed errors', () => {
  it('CoreError carries a closed code, never retryable, and a cause', () => {
    const cause = new Error('root')
    const e = new CoreError('invalid_argument', 'bad', { cause })
    expect(e).toBeInstanceOf(Error)
    expect(e).toMatchObject({
      name: 'CoreError',
      code: 'invalid_argument',
      retryable: false,
      cause,
    })
  })
  it('UpstreamError mirrors a decision', () => {
    const d = classifyUpstreamOutcome({ kind: 'response', status: 503 }, { now: 0 })
    const e = UpstreamError.fromDecision(d)
    expect(e).toMatchObject({
      name: 'UpstreamError',
      code: 'server_error',
      retryable: true,
      origin: 'upstream',
      status: 503,
      message: 'http_503',
    })
    const local = UpstreamError.fromDecision(
      classifyUpstreamOutcome({ kind: 'connect_error' }, { now: 0 }),
    )
    expect(local).toMatchObject({ origin: 'local', status: undefined })
  })
})
