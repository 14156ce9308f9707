import { describe, expect, it } from 'vitest'
import { Overhead } from './overhead'

describe('x-qcc-overhead-ms (docs/contract.md §12.1)', () => {
  it('counts the time since the body was read, less every upstream wait, in ms with two decimals', () => {
    let now = 100
    const overhead = new Overhead(() => now, 100)
    now = 100.4 // routing and the first attempt's headers
    const sent = now
    now = 350.4 // the first node took 250 ms to fail
    overhead.waitedOn(sent)
    now = 350.9
    const again = now
    now = 400.9 // the second node answered in 50 ms
    overhead.waitedOn(again)
    now = 401.15
    expect(overhead.header()).toBe('1.15')
  })

  it('is never negative', () => {
    let now = 0
    const overhead = new Overhead(() => now, 10)
    now = 5
    expect(overhead.header()).toBe('0.00')
  })
})
