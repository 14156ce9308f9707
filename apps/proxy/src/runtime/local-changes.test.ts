import { describe, expect, it } from 'vitest'
import { LocalChanges } from './local-changes'

/** An apply function whose calls finish only when the test says so. */
function controlledApply() {
  const calls: Array<{ accountId: string | null; finish: (err?: Error) => void }> = []
  const apply = (accountId: string | null) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ accountId, finish: (err) => (err ? reject(err) : resolve()) })
    })
  return { calls, apply }
}

/**
 * Whether `p` has settled once every promise job queued so far has run. The changes finish in
 * promise jobs only (the test finishes them), so a turn of the event loop is long enough.
 */
const isSettled = async (p: Promise<void>) =>
  Promise.race([p.then(() => true), new Promise((r) => setImmediate(() => r(false)))])

describe('LocalChanges', () => {
  it('waits for the changes started after a position, and only for those', async () => {
    const { calls, apply } = controlledApply()
    const changes = new LocalChanges(apply, () => {})
    changes.start('before')
    const position = changes.position()
    expect(await isSettled(changes.settled(position))).toBe(true)
    changes.start('mine')
    const waiting = changes.settled(position)
    expect(await isSettled(waiting)).toBe(false)
    calls[1]?.finish()
    expect(await isSettled(waiting)).toBe(true)
    // The earlier change is still running: it was never this mutation's to wait for.
    expect(await isSettled(changes.settled(0))).toBe(false)
    calls[0]?.finish()
    expect(calls.map((c) => c.accountId)).toEqual(['before', 'mine'])
  })

  it('reports a failed change and still lets the answer go', async () => {
    const { calls, apply } = controlledApply()
    const errors: unknown[] = []
    const changes = new LocalChanges(apply, (err) => errors.push(err))
    const position = changes.position()
    changes.start('acct')
    calls[0]?.finish(new Error('database down'))
    await changes.settled(position)
    expect(errors).toEqual([new Error('database down')])
  })
})
