/**
 * Which console events become notifications. Node transitions arrive once per transition (the
 * state change is a compare-and-set, so one replica announces it); a switch is inferred from the
 * requests: an account's traffic moving to another node while the previous one is not healthy.
 */
import type { ConsoleEvent } from '../events/bus'

/** Event types a channel can subscribe to (`*` = all). */
export const NOTIFY_EVENT_TYPES = [
  'node.failed',
  'node.recovered',
  'node.switched',
  'node.disabled',
  'node.auth_failed',
  'tunnel.started',
  'tunnel.stopped',
  'tunnel.error',
] as const
export type NotifyEventType = (typeof NOTIFY_EVENT_TYPES)[number]

/** A notification before rendering; node names are looked up when it is sent. */
export interface NotifyEvent {
  type: NotifyEventType
  /** Null: installation-wide (the tunnel); goes to admin accounts' channels. */
  accountId: string | null
  /** What de-duplication compares besides the type (a node id, `tunnel`). */
  key: string
  nodeId?: string
  fromNodeId?: string
  detail: string
  at: string
}

/** Turns the stream of console events into notification events. Keeps a little state. */
export class NotifyEventMapper {
  private readonly status = new Map<string, string>()
  private readonly serving = new Map<string, string>()
  private tunnelStatus = 'stopped'

  /** The notifications one console event causes (often none). Cheap and synchronous. */
  map(event: ConsoleEvent): NotifyEvent[] {
    switch (event.type) {
      case 'node.state':
        return this.nodeState(event.data)
      case 'request':
        return this.request(event.accountId, event.data)
      case 'tunnel.state':
        return this.tunnel(event.data)
      default:
        return []
    }
  }

  private nodeState(d: Extract<ConsoleEvent, { type: 'node.state' }>['data']): NotifyEvent[] {
    this.status.set(d.node_id, d.to)
    const base = { accountId: d.account_id, key: d.node_id, nodeId: d.node_id, at: d.at }
    const out: NotifyEvent[] = []
    if (d.to === 'failed') out.push({ ...base, type: 'node.failed', detail: d.reason })
    if (d.to === 'disabled') out.push({ ...base, type: 'node.disabled', detail: d.reason })
    if (d.to === 'healthy' && d.from === 'failed') {
      out.push({ ...base, type: 'node.recovered', detail: d.reason })
    }
    if ((d.to === 'failed' || d.to === 'cooling') && d.reason.startsWith('auth_failed')) {
      out.push({ ...base, type: 'node.auth_failed', detail: d.reason })
    }
    return out
  }

  private request(
    accountId: string,
    d: Extract<ConsoleEvent, { type: 'request' }>['data'],
  ): NotifyEvent[] {
    if (!d.node_id || d.status < 200 || d.status >= 300) return []
    const previous = this.serving.get(accountId)
    this.serving.set(accountId, d.node_id)
    if (!previous || previous === d.node_id) return []
    // Spreading load inside a tier is not a switch; moving away from a sick node is.
    const prevStatus = this.status.get(previous) ?? 'healthy'
    if (prevStatus === 'healthy') return []
    return [
      {
        type: 'node.switched',
        accountId,
        key: d.node_id,
        nodeId: d.node_id,
        fromNodeId: previous,
        detail: `previous node is ${prevStatus}`,
        at: d.at,
      },
    ]
  }

  private tunnel(d: Extract<ConsoleEvent, { type: 'tunnel.state' }>['data']): NotifyEvent[] {
    const before = this.tunnelStatus
    this.tunnelStatus = d.status
    if (before === d.status) return []
    const base = { accountId: null, key: 'tunnel', at: d.at }
    if (d.status === 'running' && before !== 'running') {
      return [{ ...base, type: 'tunnel.started', detail: d.public_url ?? '' }]
    }
    if (d.status === 'stopped') return [{ ...base, type: 'tunnel.stopped', detail: '' }]
    if (d.status === 'error' || d.status === 'restarting') {
      return [{ ...base, type: 'tunnel.error', detail: d.error ?? d.status }]
    }
    return []
  }
}

const TITLES: Record<NotifyEventType, string> = {
  'node.failed': 'Node failed',
  'node.recovered': 'Node recovered',
  'node.switched': 'Traffic switched to another node',
  'node.disabled': 'Node disabled',
  'node.auth_failed': 'Upstream refused the node key',
  'tunnel.started': 'Cloudflare Tunnel started',
  'tunnel.stopped': 'Cloudflare Tunnel stopped',
  'tunnel.error': 'Cloudflare Tunnel error',
}

/** Human title and text of an event; `names` maps node ids to names. */
export function renderEvent(
  e: NotifyEvent,
  names: Map<string, string>,
): { title: string; text: string } {
  const name = (id: string | undefined) => (id ? (names.get(id) ?? id) : '')
  const title = TITLES[e.type]
  switch (e.type) {
    case 'node.switched':
      return {
        title,
        text: `${name(e.fromNodeId)} → ${name(e.nodeId)} (${e.detail})`,
      }
    case 'tunnel.started':
      return { title, text: e.detail ? `Public URL: ${e.detail}` : 'running' }
    case 'tunnel.stopped':
      return { title, text: 'stopped' }
    case 'tunnel.error':
      return { title, text: e.detail }
    default:
      return { title: `${title}: ${name(e.nodeId)}`, text: e.detail || title }
  }
}
