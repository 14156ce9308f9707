import { useSignal, type Signal } from '@preact/signals'
import { useEffect, useRef } from 'preact/hooks'
import type { ListStatus } from './ui'

export interface Loaded<T> {
  data: Signal<T | null>
  loading: Signal<boolean>
  error: Signal<string | null>
  reload: () => Promise<void>
}

/**
 * A page's own fetch with loading and error state; reruns when `deps` change. An answer that
 * arrives after a newer request started is dropped, so fast filter changes never show stale rows.
 */
export function useLoad<T>(fetcher: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const data = useSignal<T | null>(null)
  const loading = useSignal(true)
  const error = useSignal<string | null>(null)
  const seq = useRef(0)
  const latest = useRef(fetcher)
  latest.current = fetcher
  const reload = async () => {
    const mine = ++seq.current
    loading.value = true
    try {
      const out = await latest.current()
      if (mine !== seq.current) return
      data.value = out
      error.value = null
    } catch (err) {
      if (mine !== seq.current) return
      error.value = err instanceof Error ? err.message : String(err)
    } finally {
      if (mine === seq.current) loading.value = false
    }
  }
  useEffect(() => {
    void reload()
  }, deps)
  return { data, loading, error, reload }
}

/** A loaded list's state as `DataTable` and `ListState` take it. */
export function statusOf(list: Loaded<unknown>): ListStatus {
  return {
    loading: list.loading.value,
    loaded: list.data.value !== null,
    error: list.error.value,
    onRetry: list.reload,
  }
}
