import { describe, expect, it } from 'vitest'
import { coalesced } from './coalesce'

describe('coalesced', () => {
  it('folds calls made during a run into one more run', async () => {
    let runs = 0
    let release: () => void = () => {}
    const load = coalesced(async () => {
      runs++
      if (runs === 1) await new Promise<void>((r) => (release = r))
    })
    const first = load()
    const second = load()
    const third = load()
    release()
    await Promise.all([first, second, third])
    expect(runs).toBe(2)
    await load()
    expect(runs).toBe(3)
  })

  it('runs again after a failed run', async () => {
    let runs = 0
    const load = coalesced(async () => {
      runs++
      if (runs === 1) throw new Error('down')
    })
    await expect(load()).rejects.toThrow('down')
    await load()
    expect(runs).toBe(2)
  })
})
