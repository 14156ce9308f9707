import { describe, expect, it } from 'vitest'
import { Cancellation } from './cancellation'

describe('Cancellation', () => {
  it('runs each listener once on abort, and none that were removed', () => {
    const c = new Cancellation()
    const calls: string[] = []
    c.onAbort(() => calls.push('a'))
    const removeB = c.onAbort(() => calls.push('b'))
    const d = () => calls.push('d')
    c.once('abort', d)
    c.on('abort', () => calls.push('e'))
    removeB()
    c.removeListener('abort', d)
    expect(c.aborted).toBe(false)
    c.abort()
    c.abort()
    expect(c.aborted).toBe(true)
    expect(calls).toEqual(['a', 'e'])
  })

  it('runs a listener added after the abort at once', () => {
    const c = new Cancellation()
    c.abort()
    let ran = 0
    c.onAbort(() => ran++)
    expect(ran).toBe(1)
  })

  it('lets a listener remove itself while abort runs the others', () => {
    const c = new Cancellation()
    const calls: number[] = []
    const remove1 = c.onAbort(() => {
      calls.push(1)
      remove1()
    })
    c.onAbort(() => calls.push(2))
    c.abort()
    expect(calls).toEqual([1, 2])
  })
})
