import { createModel, signal } from '@preact/signals'
import { KeyStatusError, type KeyStatusApi, type KeyStatusErrorCode } from '../api/key-status'
import type { KeyStatus } from '../api/limits'

/** The page re-reads the status this often while it shows one and the tab is visible. */
export const KEY_STATUS_REFRESH_MS = 10_000

export interface KeyStatusFailure {
  code: KeyStatusErrorCode
  message: string
  retryAfterSec?: number
}

export interface KeyStatusDeps {
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
  visible?: () => boolean
}

/**
 * The key holder's view (docs/contract.md §10, `/admin/key`): the key lives only in this
 * model's closure, never in a signal, storage or the URL, and `forget` (or leaving the page)
 * drops it. A failed lookup stops the refresh, so a wrong key is not retried into the throttle.
 */
export const KeyStatusModel = createModel((api: KeyStatusApi, deps: KeyStatusDeps = {}) => {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as number))
  const visible = deps.visible ?? (() => document.visibilityState === 'visible')
  const status = signal<KeyStatus | null>(null, { name: 'keyStatus.status' })
  const failure = signal<KeyStatusFailure | null>(null, { name: 'keyStatus.failure' })
  const busy = signal(false, { name: 'keyStatus.busy' })
  let key: string | null = null
  let timer: unknown = null
  /** Bumped by every check and by forget, so a late answer for an older key is dropped. */
  let generation = 0

  function cancelTimer(): void {
    if (timer !== null) clearTimer(timer)
    timer = null
  }

  function schedule(): void {
    cancelTimer()
    timer = setTimer(() => {
      timer = null
      if (key === null) return
      if (visible()) void read()
      else schedule()
    }, KEY_STATUS_REFRESH_MS)
  }

  async function read(): Promise<void> {
    if (key === null) return
    const mine = ++generation
    busy.value = true
    try {
      const answer = await api.get(key)
      if (mine !== generation) return
      status.value = answer
      failure.value = null
      schedule()
    } catch (err) {
      if (mine !== generation) return
      status.value = null
      failure.value =
        err instanceof KeyStatusError
          ? { code: err.code, message: err.message, retryAfterSec: err.retryAfterSec }
          : { code: 'failed', message: err instanceof Error ? err.message : String(err) }
      cancelTimer()
    } finally {
      if (mine === generation) busy.value = false
    }
  }

  /** Looks up `entered` (trimmed); the previous key and its answer are dropped first. */
  function check(entered: string): Promise<void> {
    forget()
    const k = entered.trim()
    if (!k) return Promise.resolve()
    key = k
    return read()
  }

  /** Reads again with the key in memory (the Refresh button). */
  const refresh = () => read()

  function forget(): void {
    key = null
    generation++
    cancelTimer()
    status.value = null
    failure.value = null
    busy.value = false
  }

  const hasKey = () => key !== null

  return { status, failure, busy, check, refresh, forget, hasKey }
})
export type KeyStatusModel = InstanceType<typeof KeyStatusModel>
