import { computed, createModel, signal } from '@preact/signals'
import type { AdminApi } from '../api/client'
import type { SeriesPoint, UsageTotals } from '../api/types'

/** Dashboard windows: how far back, and the bucket that keeps the point count sensible. */
export const WINDOWS = {
  '1h': { ms: 3_600_000, bucket: 'minute' },
  '6h': { ms: 6 * 3_600_000, bucket: 'minute' },
  '24h': { ms: 86_400_000, bucket: 'hour' },
  '7d': { ms: 7 * 86_400_000, bucket: 'hour' },
  '30d': { ms: 30 * 86_400_000, bucket: 'day' },
} as const
export type WindowKey = keyof typeof WINDOWS

export interface UsageDeps {
  api: AdminApi
  /** The nodes that get their own latency and TTFB lines, read at every load. */
  nodes?: () => { id: string; name: string }[]
  now?: () => number
  setTimer?: (fn: () => void, ms: number) => unknown
}

/**
 * Live request events are folded into one refetch this many ms later: the store's usage writer
 * flushes about once a second, so an earlier refetch would miss the request that triggered it.
 */
export const LIVE_REFRESH_MS = 1500
const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/**
 * Usage for the dashboard: totals and time series over a window, plus one series per node for
 * latency and TTFB (the API's series carry averages, so per-node lines need per-node queries).
 */
export const UsageModel = createModel((deps: UsageDeps) => {
  const now = deps.now ?? Date.now
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const window = signal<WindowKey>('1h', { name: 'usage.window' })
  /** `''` = own account (tenants) or all accounts (admins: the API's default). */
  const accountId = signal('', { name: 'usage.accountId' })
  const totals = signal<UsageTotals | null>(null, { name: 'usage.totals' })
  const series = signal<SeriesPoint[]>([], { name: 'usage.series' })
  const perNode = signal<{ id: string; name: string; points: SeriesPoint[] }[]>([], {
    name: 'usage.perNode',
  })
  const loading = signal(false, { name: 'usage.loading' })
  const error = signal<string | null>(null, { name: 'usage.error' })
  const successRate = computed(() => {
    const t = totals.value
    return t && t.requests > 0 ? (t.requests - t.errors) / t.requests : null
  })
  let pending = false
  let again = false
  let seq = 0

  async function load(): Promise<void> {
    const nodeList = deps.nodes?.() ?? []
    const w = WINDOWS[window.value]
    const to = new Date(now())
    const q = {
      account_id: accountId.value || undefined,
      from: new Date(to.getTime() - w.ms).toISOString(),
      to: to.toISOString(),
    }
    // Only the newest load may write: a live refetch started before a window or node-list
    // change must not land after it.
    const mine = ++seq
    loading.value = true
    try {
      const [sum, ser, byNode] = await Promise.all([
        deps.api.usage.summary(q),
        deps.api.usage.series({ ...q, bucket: w.bucket }),
        Promise.all(
          nodeList.map(async (n) => ({
            ...n,
            points: (await deps.api.usage.series({ ...q, bucket: w.bucket, node_id: n.id })).points,
          })),
        ),
      ])
      if (mine !== seq) return
      totals.value = sum
      series.value = ser.points
      perNode.value = byNode
      error.value = null
    } catch (err) {
      if (mine === seq) error.value = message(err)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function setWindow(w: WindowKey): Promise<void> {
    window.value = w
    return load()
  }

  /**
   * A finished request somewhere: refetch soon, once for a burst, and once more after a burst
   * that went on while waiting, so the last request of a burst is always in a later fetch.
   */
  function onRequest(): void {
    if (pending) {
      again = true
      return
    }
    pending = true
    setTimer(() => {
      pending = false
      void load()
      if (again) {
        again = false
        onRequest()
      }
    }, LIVE_REFRESH_MS)
  }

  return {
    window,
    accountId,
    totals,
    series,
    perNode,
    loading,
    error,
    successRate,
    load,
    setWindow,
    onRequest,
  }
})
export type UsageModel = InstanceType<typeof UsageModel>
