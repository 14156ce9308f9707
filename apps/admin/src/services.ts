import { createContext } from 'preact'
import { effect } from '@preact/signals'
import { useContext } from 'preact/hooks'
import { createAdminApi, type AdminApi } from './api/client'
import { createFetchHttp, expiringOn401 } from './api/http'
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
  // Any 401 means the session is gone: drop to the login page instead of showing errors.
  const api = createAdminApi(expiringOn401(createFetchHttp(), () => session.expired()))
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
    if (events.status.value === 'retrying') void api.session.me().catch(() => {})
  })
  return { api, session, events, nodes, usage }
}

export const ServicesContext = createContext<Services | null>(null)

export function useServices(): Services {
  const s = useContext(ServicesContext)
  if (!s) throw new Error('ServicesContext missing')
  return s
}
