import { describe, expect, it } from 'vitest'
import { fakeApi } from '../api/fake-api'
import type { ProxyKey } from '../api/types'
import { KEYS_EVENT_DELAY_MS, KEYS_REFRESH_MS, KeysModel } from './keys'

const key = (id: string, used: number): ProxyKey => ({
  id,
  account_id: 'a1',
  name: id,
  prefix: `${id}pre`,
  created_at: '2026-01-01T00:00:00Z',
  revoked_at: null,
  last_used_at: null,
  first_used_at: null,
  limits: { rpm: 10 },
  windows: { rpm: { used, limit: 10, resets_at: '2026-01-01T00:01:00Z' } },
})

/** Lets the reads already started settle. */
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

/** Timers run by hand: `fire()` runs the pending one; the model must keep at most one. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>()
  let next = 0
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => {
      pending.set(++next, { fn, ms })
      return next
    },
    clearTimer: (h: unknown) => void pending.delete(h as number),
    fire: async () => {
      const first = [...pending.entries()][0]
      if (!first) throw new Error('no timer pending')
      pending.delete(first[0])
      first[1].fn()
      await flush()
    },
  }
}

describe('keys model: live windows', () => {
  it('re-reads every few seconds while watched and visible, and stops on unwatch', async () => {
    let used = 0
    const { api, calls } = fakeApi({
      'GET /admin/api/keys?account_id=a1': () => ({ keys: [key('k1', used++)] }),
    })
    const timers = manualTimers()
    let visible = true
    const m = new KeysModel(api, { ...timers, visible: () => visible })
    m.watch('a1')
    await flush()
    expect(m.keys.value[0]?.windows?.rpm?.used).toBe(0)
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([KEYS_REFRESH_MS])

    await timers.fire()
    expect(m.keys.value[0]?.windows?.rpm?.used).toBe(1)
    expect(timers.pending.size).toBe(1)

    // A hidden tab is not polled, but the timer stays for when it shows again.
    visible = false
    const before = calls.length
    await timers.fire()
    expect(calls.length).toBe(before)
    expect(timers.pending.size).toBe(1)

    m.unwatch()
    expect(timers.pending.size).toBe(0)
  })

  it('reads soon after a request event of its account, folding a burst into one read', async () => {
    const { api, calls } = fakeApi({
      'GET /admin/api/keys?account_id=a1': { keys: [key('k1', 3)] },
    })
    const timers = manualTimers()
    const m = new KeysModel(api, { ...timers, visible: () => true })
    m.watch('a1')
    await flush()
    calls.length = 0
    m.onRequest('other-account')
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([KEYS_REFRESH_MS])
    m.onRequest('a1')
    m.onRequest('a1')
    m.onRequest('a1')
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([KEYS_EVENT_DELAY_MS])
    await timers.fire()
    expect(calls).toEqual(['GET /admin/api/keys?account_id=a1'])
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([KEYS_REFRESH_MS])
    m.unwatch()
    m.onRequest('a1')
    expect(timers.pending.size).toBe(0)
  })

  it('drops an answer for the account it no longer shows', async () => {
    let release: () => void = () => {}
    const { api } = fakeApi({
      'GET /admin/api/keys?account_id=a1': () =>
        new Promise((r) => (release = () => r({ keys: [key('old', 0)] }))),
      'GET /admin/api/keys?account_id=a2': { keys: [key('new', 0)] },
    })
    const timers = manualTimers()
    const m = new KeysModel(api, { ...timers, visible: () => true })
    m.watch('a1')
    m.watch('a2')
    release()
    await flush()
    expect(m.keys.value.map((k) => k.id)).toEqual(['new'])
    expect(timers.pending.size).toBe(1)
    m.unwatch()
  })

  it('saves a limits patch with PUT and reads the list again', async () => {
    const { api, calls } = fakeApi({
      'PUT /admin/api/keys?id=k1': {},
      'GET /admin/api/keys': { keys: [key('k1', 0)] },
    })
    const m = new KeysModel(api, { ...manualTimers(), visible: () => true })
    await m.update('k1', { limits: { rpm: 5, models: null } })
    expect(calls).toEqual([
      'PUT /admin/api/keys?id=k1 {"limits":{"rpm":5,"models":null}}',
      'GET /admin/api/keys',
    ])
  })

  it('lets a refused save fail, with the server message', async () => {
    const { api } = fakeApi({
      'PUT /admin/api/keys?id=k1': () => {
        throw new Error('rpm: above the account limit (10)')
      },
    })
    const m = new KeysModel(api, { ...manualTimers(), visible: () => true })
    await expect(m.update('k1', { limits: { rpm: 50 } })).rejects.toThrow('rpm')
  })
})
