import { coalesced } from './coalesce'
import { computed, createModel, signal } from '@preact/signals'
import type { AdminApi } from '../api/client'
import type {
  HealthEvent,
  NodeCommand,
  NodeInput,
  NodePatch,
  NodeStateEvent,
  NodeView,
  TimelineCheck,
} from '../api/types'

/** Checks kept per node for the timeline (the API gives up to 24 h; the dots show the latest). */
export const TIMELINE_LENGTH = 40
const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/**
 * The nodes of one account (or every account, `*`, for an admin), their live state and health
 * timelines. Live events patch the list at once and then refetch it, so counters and the last
 * error catch up without waiting for the next poll.
 */
export const NodesModel = createModel(
  (api: AdminApi, setTimer = (fn: () => void, ms: number): unknown => setTimeout(fn, ms)) => {
    const nodes = signal<NodeView[]>([], { name: 'nodes.list' })
    const loading = signal(false, { name: 'nodes.loading' })
    const loaded = signal(false, { name: 'nodes.loaded' })
    const error = signal<string | null>(null, { name: 'nodes.error' })
    /** `''` = the caller's own account; `'*'` = all (admins). */
    const accountId = signal('', { name: 'nodes.accountId' })
    const health = signal<Record<string, TimelineCheck[]>>({}, { name: 'nodes.health' })
    const sorted = computed(() =>
      [...nodes.value].sort((a, b) => a.weight - b.weight || a.name.localeCompare(b.name)),
    )
    const counts = computed(() => {
      const c = { total: 0, healthy: 0, cooling: 0, failed: 0, disabled: 0 }
      for (const n of nodes.value) {
        c.total++
        c[n.status]++
      }
      return c
    })
    let soon = false
    let soonAgain = false

    async function fetchOnce(): Promise<void> {
      const scope = accountId.value || undefined
      loading.value = true
      try {
        nodes.value = await api.nodes.list(scope)
        error.value = null
      } catch (err) {
        error.value = message(err)
      } finally {
        loading.value = false
        loaded.value = true
      }
    }

    /** Reads the list; calls during a read fold into one more read. */
    const load = coalesced(fetchOnce)

    async function loadHealth(): Promise<void> {
      const query = { account_id: accountId.value || undefined, limit: 1000 }
      try {
        const checks = await api.nodes.healthHistory(query)
        const next: Record<string, TimelineCheck[]> = {}
        // Newest first from the API; the timeline reads left (old) to right (new).
        for (const c of [...checks].reverse()) {
          const list = (next[c.node_id] ??= [])
          list.push(c)
          if (list.length > TIMELINE_LENGTH) list.shift()
        }
        health.value = next
      } catch {
        // The timeline is an extra; the list shows its own error.
      }
    }

    /** Runs a change, then reloads; `false` (and `error` set) when the API refused it. */
    async function act(run: () => Promise<unknown>): Promise<boolean> {
      error.value = null
      try {
        await run()
        await load()
        return true
      } catch (err) {
        error.value = message(err)
        return false
      }
    }

    const add = (input: NodeInput, account?: string) => act(() => api.nodes.create(input, account))
    const update = (id: string, patch: NodePatch) => act(() => api.nodes.update(id, patch))
    const remove = (id: string) => act(() => api.nodes.remove(id))
    const command = (verb: NodeCommand, id: string) => act(() => api.nodes.command(verb, id))

    /**
     * Moves a node within the priority order and rewrites weights 1..N (lower = tried first),
     * saving only the nodes whose weight changed. The list updates first so the drop feels instant.
     */
    async function reorder(id: string, toIndex: number): Promise<void> {
      const order = sorted.value.filter((n) => n.id !== id)
      const moved = sorted.value.find((n) => n.id === id)
      if (!moved) return
      order.splice(Math.max(0, Math.min(toIndex, order.length)), 0, moved)
      const changes = order
        .map((n, i) => ({ node: n, weight: i + 1 }))
        .filter((c) => c.node.weight !== c.weight)
      if (changes.length === 0) return
      const weights = new Map(changes.map((c) => [c.node.id, c.weight]))
      nodes.value = nodes.value.map((n) => ({ ...n, weight: weights.get(n.id) ?? n.weight }))
      await act(async () => {
        for (const c of changes) await api.nodes.update(c.node.id, { weight: c.weight })
      })
    }

    /** Applies one console event; returns whether it touched this list. */
    function applyEvent(type: string, data: unknown): boolean {
      if (type === 'node.state') {
        const e = data as NodeStateEvent
        if (!nodes.value.some((n) => n.id === e.node_id)) return false
        const status = e.to as NodeView['status']
        nodes.value = nodes.value.map((n) =>
          n.id === e.node_id
            ? {
                ...n,
                status,
                failed: status === 'failed',
                last_error: status === 'failed' ? e.reason : n.last_error,
              }
            : n,
        )
        void load()
        return true
      }
      if (type === 'health.check') {
        const e = data as HealthEvent
        if (!nodes.value.some((n) => n.id === e.node_id)) return false
        const list = [...(health.value[e.node_id] ?? []), { ...e }].slice(-TIMELINE_LENGTH)
        health.value = { ...health.value, [e.node_id]: list }
        return true
      }
      if (type === 'request') {
        // Per-node counters move with traffic: refetch after the store's usage writer has
        // flushed (about once a second), once per burst and once more if it went on meanwhile.
        if (soon) {
          soonAgain = true
          return true
        }
        soon = true
        const fire = () => {
          void load()
          if (soonAgain) {
            soonAgain = false
            setTimer(fire, 1500)
          } else soon = false
        }
        setTimer(fire, 1500)
        return true
      }
      if (type === 'config.changed') {
        void load()
        return true
      }
      return false
    }

    return {
      nodes,
      sorted,
      counts,
      loading,
      loaded,
      error,
      accountId,
      health,
      load,
      loadHealth,
      add,
      update,
      remove,
      command,
      reorder,
      applyEvent,
    }
  },
)
export type NodesModel = InstanceType<typeof NodesModel>
