import { coalesced } from './coalesce'
import { createModel, signal } from '@preact/signals'
import type { AdminApi } from '../api/client'
import type { KeyPatch } from '../api/types'
import type { ProxyKey } from '../api/types'

/** Windows slide and calendar periods roll over without any event, so the list is re-read. */
export const KEYS_REFRESH_MS = 5000
/** A burst of `request` events folds into one re-read this long after the first. */
export const KEYS_EVENT_DELAY_MS = 1000

export interface KeysDeps {
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
  /** Whether the page is on screen; a hidden tab is not polled. */
  visible?: () => boolean
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/**
 * The keys of one account with their live windows (docs/contract.md §10). While `watch` runs,
 * the list is re-read every {@link KEYS_REFRESH_MS} when the page is visible, and soon after a
 * `request` event of that account; one read at a time, at most one timer; `unwatch` stops both.
 */
export const KeysModel = createModel((api: AdminApi, deps: KeysDeps = {}) => {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as number))
  const visible = deps.visible ?? (() => document.visibilityState === 'visible')
  const keys = signal<ProxyKey[]>([], { name: 'keys.list' })
  const loading = signal(false, { name: 'keys.loading' })
  const loaded = signal(false, { name: 'keys.loaded' })
  const error = signal<string | null>(null, { name: 'keys.error' })
  /** The account watched (admins); undefined = the caller's own. */
  let account: string | undefined
  let watching = false
  let timer: unknown = null
  /** The pending timer is an event's short one: more events wait for it, not push it back. */
  let soon = false

  async function fetchOnce(): Promise<void> {
    const scope = account
    loading.value = true
    try {
      const list = await api.keys.list(scope)
      if (scope !== account) return
      keys.value = list
      error.value = null
    } catch (err) {
      if (scope === account) error.value = message(err)
    } finally {
      loading.value = false
      loaded.value = true
    }
  }

  /** Reads the list; calls during a read fold into one more read. */
  const load = coalesced(fetchOnce)

  function schedule(ms: number): void {
    if (!watching || timer !== null) return
    soon = ms < KEYS_REFRESH_MS
    timer = setTimer(() => {
      timer = null
      soon = false
      if (!watching) return
      if (visible()) void load().then(() => schedule(KEYS_REFRESH_MS))
      else schedule(KEYS_REFRESH_MS)
    }, ms)
  }

  /** Shows `accountId`'s keys (admins; undefined = one's own) and keeps them current. */
  function watch(accountId?: string): void {
    if (accountId !== account) {
      account = accountId
      keys.value = []
      loaded.value = false
    }
    watching = true
    void load()
    schedule(KEYS_REFRESH_MS)
  }

  function unwatch(): void {
    watching = false
    if (timer !== null) clearTimer(timer)
    timer = null
    soon = false
  }

  /** A request of `accountId` went through: its windows moved, read them soon. */
  function onRequest(accountId: string | undefined): void {
    if (!watching || soon || (account !== undefined && accountId !== account)) return
    if (timer !== null) clearTimer(timer)
    timer = null
    schedule(KEYS_EVENT_DELAY_MS)
  }

  async function act(run: () => Promise<unknown>): Promise<void> {
    await run()
    await load()
  }

  const update = (id: string, patch: KeyPatch) => act(() => api.keys.update(id, patch))

  return { keys, loading, loaded, error, load, watch, unwatch, onRequest, act, update }
})
export type KeysModel = InstanceType<typeof KeysModel>
