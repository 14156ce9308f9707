import { describe, expect, it } from 'vitest'
import { KeyStatusError, type KeyStatusApi } from '../api/key-status'
import type { KeyStatus } from '../api/limits'
import { KEY_STATUS_REFRESH_MS, KeyStatusModel } from './key-status'

const totals = {
  requests: 1,
  errors: 0,
  input_tokens: 2,
  output_tokens: 3,
  cache_creation_input_tokens: 0,
  cache_creation_5m_input_tokens: 0,
  cache_creation_1h_input_tokens: 0,
  cache_read_input_tokens: 0,
  cost_usd: 0.01,
  bytes: 10,
  avg_duration_ms: null,
  avg_ttfb_ms: null,
}
const answer = (used: number): KeyStatus => ({
  key: { name: 'ci', prefix: 'sk-qcc-a', account: 'acme', expires_at: null },
  limits: { rpm: 2 },
  windows: { rpm: { used, limit: 2, resets_at: '2030-01-01T00:00:00Z' } },
  account_windows: {},
  usage: { today: totals, month: totals, total: totals },
})

function harness(respond: (key: string) => Promise<KeyStatus>) {
  const seen: string[] = []
  const api: KeyStatusApi = {
    get: (key) => {
      seen.push(key)
      return respond(key)
    },
  }
  const pending = new Map<number, () => void>()
  let next = 0
  const m = new KeyStatusModel(api, {
    setTimer: (fn) => (pending.set(++next, fn), next),
    clearTimer: (h) => void pending.delete(h as number),
    visible: () => true,
  })
  const fire = async () => {
    const first = [...pending.entries()][0]
    if (!first) throw new Error('no timer pending')
    pending.delete(first[0])
    first[1]()
    for (let i = 0; i < 5; i++) await Promise.resolve()
  }
  return { m, seen, pending, fire }
}

describe('key status model', () => {
  it('looks a key up, keeps it only to refresh, and forgets it', async () => {
    let used = 0
    const h = harness(async () => answer(used++))
    await h.m.check('  sk-qcc-secret  ')
    expect(h.seen).toEqual(['sk-qcc-secret'])
    expect(h.m.status.value?.windows?.rpm?.used).toBe(0)
    // The key is not held in any signal a devtools panel or a render could show.
    expect(JSON.stringify(h.m.status.value)).not.toContain('secret')
    expect(h.pending.size).toBe(1)
    await h.fire()
    expect(h.m.status.value?.windows?.rpm?.used).toBe(1)
    expect(h.seen).toEqual(['sk-qcc-secret', 'sk-qcc-secret'])
    h.m.forget()
    expect(h.m.status.value).toBeNull()
    expect(h.m.hasKey()).toBe(false)
    expect(h.pending.size).toBe(0)
    await h.m.refresh()
    expect(h.seen.length).toBe(2)
  })

  it('says an unknown key and a throttled address apart, and stops refreshing', async () => {
    const h = harness(async (key) => {
      if (key === 'nope') throw new KeyStatusError('unknown_key', 401, 'unknown key')
      throw new KeyStatusError('throttled', 429, 'too many attempts', 30)
    })
    await h.m.check('nope')
    expect(h.m.failure.value).toMatchObject({ code: 'unknown_key' })
    expect(h.pending.size).toBe(0)
    await h.m.check('again')
    expect(h.m.failure.value).toEqual({
      code: 'throttled',
      message: 'too many attempts',
      retryAfterSec: 30,
    })
    expect(h.m.status.value).toBeNull()
  })

  it('drops a late answer for a key it already forgot', async () => {
    let release: (s: KeyStatus) => void = () => {}
    const h = harness(() => new Promise((r) => (release = r)))
    const checking = h.m.check('first')
    h.m.forget()
    release(answer(1))
    await checking
    expect(h.m.status.value).toBeNull()
    expect(h.m.busy.value).toBe(false)
    expect(h.pending.size).toBe(0)
    expect(KEY_STATUS_REFRESH_MS).toBeGreaterThanOrEqual(5000)
  })
})
