import { describe, expect, it } from 'vitest'
import { CoreError } from '../errors'
import { TTFB_WINDOW_SIZE, TtfbWindow, TtfbWindows } from './ttfb'

describe('TtfbWindow', () => {
  it('gives the median of odd and even counts, undefined when empty', () => {
    const w = new TtfbWindow()
    expect(w.median()).toBeUndefined()
    w.record(900)
    w.record(100)
    w.record(300)
    expect(w.median()).toBe(300)
    w.record(500)
    expect(w.median()).toBe(400)
  })
  it('keeps only the last 20 answers', () => {
    const w = new TtfbWindow()
    for (let i = 0; i < TTFB_WINDOW_SIZE; i++) w.record(10_000)
    expect(w.median()).toBe(10_000)
    for (let i = 0; i < 11; i++) w.record(100)
    expect(w.size).toBe(20)
    expect(w.median()).toBe(100)
  })
  it('ignores negative and non-finite samples; rejects a bad capacity', () => {
    const w = new TtfbWindow(3)
    w.record(-1)
    w.record(Number.NaN)
    w.record(Infinity)
    expect(w.size).toBe(0)
    expect(() => new TtfbWindow(0)).toThrow(CoreError)
    expect(() => new TtfbWindows(1.5)).toThrow(CoreError)
  })
})

describe('TtfbWindows', () => {
  it('keeps one window per node and forgets a node', () => {
    const t = new TtfbWindows()
    t.record('a', 100)
    t.record('b', 5000)
    expect(t.median('a')).toBe(100)
    expect(t.median('b')).toBe(5000)
    t.forget('b')
    expect(t.median('b')).toBeUndefined()
  })
})
