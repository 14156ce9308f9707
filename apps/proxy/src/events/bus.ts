/**
 * Where an event happened. Unset: on this replica. `true`: on another replica, relayed through
 * Redis (redis/event-relay.ts, docs/contract.md §11): the console's stream shows it, but what
 * its origin replica already did for it (notifications, relaying it on) is not done again.
 */
export interface EventOrigin {
  remote?: true
}

/**
 * In-process event bus: node transitions, finished requests and health checks go to the
 * console's live stream, notifications and logs. Listeners must be quick and must not throw;
 * a throwing listener is isolated so it cannot break the data path.
 */
export type ConsoleEvent = EventOrigin &
  (
    | {
        type: 'node.state'
        accountId: string
        data: {
          node_id: string
          account_id: string
          from: string
          to: string
          reason: string
          at: string
        }
      }
    | {
        type: 'request'
        accountId: string
        data: {
          request_id: string
          account_id: string
          key_id: string
          node_id: string | null
          /** Upstream attempts made (docs/contract.md §12). */
          attempts: number
          model: string | null
          status: number
          duration_ms: number
          at: string
        }
      }
    | {
        type: 'health.check'
        accountId: string
        data: {
          node_id: string
          account_id: string
          ok: boolean
          latency_ms: number | null
          error: string | null
          at: string
        }
      }
    | { type: 'config.changed'; accountId: string | null; data: { at: string; limits?: true } }
    | {
        // Installation-wide (accountId null): only admins see it on the event stream.
        type: 'tunnel.state'
        accountId: null
        data: {
          status: string
          public_url: string | null
          error: string | null
          restarts: number
          at: string
        }
      }
  )

export type ConsoleEventListener = (event: ConsoleEvent) => void

export class EventBus {
  private readonly listeners = new Set<ConsoleEventListener>()

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  /** @returns a function that unsubscribes */
  subscribe(listener: ConsoleEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  publish(event: ConsoleEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch (err) {
        this.onListenerError(err)
      }
    }
  }

  get size(): number {
    return this.listeners.size
  }
}
