import { describe, expect, it } from 'vitest'
import { SerialJobs } from './serial-jobs'

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('SerialJobs', () => {
  it('runs jobs one at a time in the order asked', async () => {
    const jobs = new SerialJobs()
    const log: string[] = []
    let release: () => void = () => {}
    const slow = jobs.run('all', async () => {
      log.push('all:start')
      await new Promise<void>((resolve) => (release = resolve))
      log.push('all:end')
    })
    const account = jobs.run('account:a', async () => {
      log.push('a')
    })
    await tick()
    expect(log).toEqual(['all:start'])
    release()
    await Promise.all([slow, account])
    expect(log).toEqual(['all:start', 'all:end', 'a'])
  })

  it('runs a job asked for twice before it started once, and again once it has started', async () => {
    const jobs = new SerialJobs()
    let runs = 0
    let release: () => void = () => {}
    const blocker = jobs.run('block', () => new Promise<void>((resolve) => (release = resolve)))
    const first = jobs.run('a', async () => void runs++)
    const second = jobs.run('a', async () => void runs++)
    expect(second).toBe(first)
    await tick()
    release()
    await Promise.all([blocker, first])
    expect(runs).toBe(1)
    await jobs.run('a', async () => void runs++)
    expect(runs).toBe(2)
  })

  it('keeps going after a job fails', async () => {
    const jobs = new SerialJobs()
    const failed = jobs.run('a', async () => {
      throw new Error('database down')
    })
    await expect(failed).rejects.toThrow('database down')
    let ran = false
    await jobs.run('b', async () => void (ran = true))
    expect(ran).toBe(true)
  })
})
