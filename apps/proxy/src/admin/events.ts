import { streamSSE } from 'hono/streaming'
import type { ConsoleEvent } from '../events/bus'
import type { AdminDeps, AdminEnv } from './context'
import { defineRoute, type RouteGroup } from './route-table'
import { MAX_STREAMS_PER_SESSION, SessionStreams } from './session-streams'

/** How often an idle stream sends a comment (keeps proxies from closing it) and re-checks the session. */
const KEEPALIVE_MS = 15_000
/** Events queued for a slow client before it is dropped (it reconnects and refetches). */
const MAX_QUEUE = 1000

/**
 * `GET /admin/api/events`: the live console stream as SSE. Admins get every account's events,
 * tenants only their own. The stream ends when the session does (logout, password change,
 * account disabled), checked once per keepalive interval for all of the session's streams; a
 * session holds at most {@link MAX_STREAMS_PER_SESSION} streams, a new one closes the oldest.
 */
export function eventRoutes(api: RouteGroup<AdminEnv>, deps: AdminDeps): void {
  const sessions = new SessionStreams(
    async (id) => (await deps.store.getSession(id)) !== null,
    KEEPALIVE_MS,
  )
  defineRoute(api, 'GET /events', {
    summary: `Live console events (node.state, request, health.check, config.changed) as SSE; at most ${MAX_STREAMS_PER_SESSION} per session (a new one closes the oldest)`,
    produces: 'text/event-stream',
    handler: (c) => {
      const me = c.get('account')
      const sessionId = c.get('sessionId')
      c.header('cache-control', 'no-cache')
      c.header('x-accel-buffering', 'no')
      return streamSSE(c, async (stream) => {
        const queue: ConsoleEvent[] = []
        let wake: (() => void) | undefined
        let closed = false
        const unsubscribe = deps.events.subscribe((event) => {
          // Installation-wide events (accountId null: tunnel, prices) are for admins only.
          if (!me.isAdmin && event.accountId !== me.id) return
          if (queue.length >= MAX_QUEUE) closed = true
          else queue.push(event)
          wake?.()
        })
        const stop = () => {
          closed = true
          wake?.()
        }
        stream.onAbort(stop)
        if (deps.shutdown?.aborted) closed = true
        deps.shutdown?.addEventListener('abort', stop, { once: true })
        const unregister = sessions.add(sessionId, stop)
        try {
          await stream.writeSSE({ event: 'ready', data: JSON.stringify({ account_id: me.id }) })
          while (!closed) {
            const event = queue.shift()
            if (event) {
              await stream.writeSSE({ event: event.type, data: JSON.stringify(event.data) })
              continue
            }
            await new Promise<void>((resolve) => {
              wake = resolve
              setTimeout(resolve, KEEPALIVE_MS).unref()
            })
            wake = undefined
            if (!closed && queue.length === 0) await stream.write(': keepalive\n\n')
          }
        } finally {
          unregister()
          deps.shutdown?.removeEventListener('abort', stop)
          unsubscribe()
        }
      })
    },
  })
}
