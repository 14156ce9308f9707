import { createContext } from 'preact'
import { effect } from '@preact/signals'
import { useContext } from 'preact/hooks'
import { AdminApiError, createAdminApi, type AdminApi, type Method } from './api/client'
import { EventsModel } from './models/events'
import { NodesModel } from './models/nodes'
import { SessionModel } from './models/session'
import { UsageModel } from './models/usage'

/** The models the whole console shares, wired once (pages make their own small local state). */
export interface Services {
  api: AdminApi
  session: SessionModel
  events: EventsModel
  nodes: NodesModel
  usage: UsageModel
}

export function createServices(): Services {
  const raw = createAdminApi()
  // Any 401 means the session is gone: drop to the login page instead of showing errors.
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (err) {
      if (err instanceof AdminApiError && err.status === 401) session.expired()
      throw err
    }
  }
  const api: AdminApi = {
    ...raw,
    get: (path, query) => guard(() => raw.get(path, query)),
    send: <T>(method: Method, path: string, body?: unknown) =>
      guard(() => raw.send<T>(method, path, body)),
  }
  const session = new SessionModel(api)
  const events = new EventsModel({ open: (url) => new EventSource(url) })
  const nodes = new NodesModel(api)
  // Per-node latency lines for the first nodes in priority order; more would be unreadable
  // and cost a query each.
  const usage = new UsageModel({
    api,
    nodes: () => nodes.sorted.value.slice(0, 8).map((n) => ({ id: n.id, name: n.name })),
  })
  events.on((type, data) => {
    nodes.applyEvent(type, data)
    if (type === 'request') usage.onRequest()
  })
  // EventSource hides the status of a failed connect; if the stream keeps failing, ask /me so an
  // ended session lands on the login page (the guard above) instead of retrying for ever.
  effect(() => {
    if (events.status.value === 'retrying') void api.get('/admin/api/me').catch(() => {})
  })
  return { api, session, events, nodes, usage }
}

export const ServicesContext = createContext<Services | null>(null)

export function useServices(): Services {
  const s = useContext(ServicesContext)
  if (!s) throw new Error('ServicesContext missing')
  return s
}
