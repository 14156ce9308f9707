import { CoreError } from '../errors'
import { DEFAULTS } from '../config'
import type { EpochMs, NodeConfig } from '../types'

/**
 * The TTL of a binding to `node`: the node's own `stickyTtlMs` when set (docs/contract.md §13
 * `sticky_ttl_sec`), else the account's (`EffectiveSettings.stickyTtlMs`). A node value that is
 * negative or not finite is ignored; 0 is honoured (the node binds no session).
 *
 * @example
 * ```ts
 * sticky.bind(accountId, sessionId, node.id, now, stickyTtlFor(node, settings.stickyTtlMs))
 * ```
 */
export function stickyTtlFor(node: NodeConfig, accountTtlMs: number): number {
  const own = node.stickyTtlMs
  return typeof own === 'number' && Number.isFinite(own) && own >= 0 ? own : accountTtlMs
}

/**
 * Told of each deliberate change to the bindings, so they can be mirrored elsewhere (the proxy
 * shares them between replicas through Redis, docs/contract.md §11). Called by `bind` and
 * `delete` only: LRU eviction, lazy expiry, `prune`, `unbindNode`, `adopt` and `discard` are
 * local bookkeeping and stay silent. Called synchronously after the change; it must not throw.
 */
export interface StickyObserver {
  /** A session was bound (or re-bound) to `nodeId` at `now` for `ttlMs` (0: binds nothing). */
  bound(accountId: string, sessionId: string, nodeId: string, ttlMs: number, now: EpochMs): void
  /** A session's binding was dropped on purpose (the TTFB break, docs/contract.md §13). */
  dropped(accountId: string, sessionId: string): void
}

/** Options of {@link StickyBindings}. */
export interface StickyOptions {
  /** How long a binding lasts after the node last served the session; default 3 600 000 (1 h). */
  readonly ttlMs?: number | undefined
  /** Bindings kept per tenant; the least recently used go first. Default 10 000. */
  readonly maxPerAccount?: number | undefined
  /** Told of every `bind` and `delete` (see {@link StickyObserver}); absent: nobody. */
  readonly onChange?: StickyObserver | undefined
}

interface Binding {
  nodeId: string
  expiresAt: number
}

/**
 * Session-to-node bindings, per tenant, bounded (LRU) and expiring (TTL), so a Claude Code session
 * keeps hitting the node that holds its prompt cache. Keys are per tenant: the same session id
 * from two tenants never shares a binding (T4). The clock is passed in, so tests never sleep.
 *
 * @example
 * ```ts
 * const sticky = new StickyBindings({ ttlMs: 3_600_000 })
 * sticky.bind('acme', 'session-1', 'node-a', Date.now())
 * sticky.get('acme', 'session-1', Date.now()) // 'node-a'
 * ```
 */
export class StickyBindings {
  /** Default lifetime of a binding after its last serve, ms. */
  readonly ttlMs: number
  /** Bindings kept per tenant before the least recently used is dropped. */
  readonly maxPerAccount: number
  private readonly accounts = new Map<string, Map<string, Binding>>()
  private readonly onChange: StickyObserver | undefined

  /** @throws CoreError `invalid_config` for a non-positive TTL or bound */
  constructor(options: StickyOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULTS.stickyTtlMs
    this.maxPerAccount = options.maxPerAccount ?? DEFAULTS.stickyMaxPerAccount
    this.onChange = options.onChange
    if (!(this.ttlMs > 0) || !(this.maxPerAccount >= 1)) {
      throw new CoreError('invalid_config', 'sticky ttlMs and maxPerAccount must be positive')
    }
  }

  /** The node bound to a session, if the binding has not expired. Marks it recently used. */
  get(accountId: string, sessionId: string, now: EpochMs): string | undefined {
    const sessions = this.accounts.get(accountId)
    const binding = sessions?.get(sessionId)
    if (sessions === undefined || binding === undefined) return undefined
    if (binding.expiresAt <= now) {
      sessions.delete(sessionId)
      return undefined
    }
    // Map iteration order is insertion order: re-inserting makes this the most recent entry.
    sessions.delete(sessionId)
    sessions.set(sessionId, binding)
    return binding.nodeId
  }

  /**
   * Binds (or re-binds) a session to the node that just served it, for `ttlMs` from `now`
   * (or the tenant's own TTL when given). Tells the observer.
   */
  bind(
    accountId: string,
    sessionId: string,
    nodeId: string,
    now: EpochMs,
    ttlMs = this.ttlMs,
  ): void {
    this.put(accountId, sessionId, nodeId, now + ttlMs)
    this.onChange?.bound(accountId, sessionId, nodeId, ttlMs, now)
  }

  /**
   * Sets a binding learnt from elsewhere (another replica's, read from Redis) without telling the
   * observer, so it is not written back. It expires at `expiresAt` and counts for the LRU bound.
   */
  adopt(accountId: string, sessionId: string, nodeId: string, expiresAt: EpochMs): void {
    this.put(accountId, sessionId, nodeId, expiresAt)
  }

  /** Drops one binding and tells the observer (the binding is gone everywhere). */
  delete(accountId: string, sessionId: string): void {
    this.discard(accountId, sessionId)
    this.onChange?.dropped(accountId, sessionId)
  }

  /** Drops one binding here only, without telling the observer (it is already gone elsewhere). */
  discard(accountId: string, sessionId: string): void {
    const sessions = this.accounts.get(accountId)
    if (sessions === undefined || !sessions.delete(sessionId)) return
    if (sessions.size === 0) this.accounts.delete(accountId)
  }

  /**
   * Drops every binding to a node, of every tenant (`POST /admin/api/nodes/unstick`,
   * docs/contract.md §13; also when a node is deleted or moved). Silent: the observer is not
   * told of each binding (an unstick clears a shared copy in one sweep of its own).
   *
   * @returns the number of bindings dropped
   */
  unbindNode(nodeId: string): number {
    let dropped = 0
    for (const [account, sessions] of this.accounts) {
      for (const [session, binding] of sessions) {
        if (binding.nodeId !== nodeId) continue
        sessions.delete(session)
        dropped++
      }
      if (sessions.size === 0) this.accounts.delete(account)
    }
    return dropped
  }

  /** Drops every binding to a node (it was deleted or moved); same as {@link unbindNode}. */
  forgetNode(nodeId: string): void {
    this.unbindNode(nodeId)
  }

  /** Drops expired bindings; call now and then to return memory early (reads expire lazily). */
  prune(now: EpochMs): void {
    for (const [account, sessions] of this.accounts) {
      for (const [session, binding] of sessions)
        if (binding.expiresAt <= now) sessions.delete(session)
      if (sessions.size === 0) this.accounts.delete(account)
    }
  }

  private put(accountId: string, sessionId: string, nodeId: string, expiresAt: number): void {
    let sessions = this.accounts.get(accountId)
    if (sessions === undefined) {
      sessions = new Map()
      this.accounts.set(accountId, sessions)
    }
    sessions.delete(sessionId)
    sessions.set(sessionId, { nodeId, expiresAt })
    if (sessions.size > this.maxPerAccount) {
      const oldest = sessions.keys().next()
      if (oldest.done !== true) sessions.delete(oldest.value)
    }
  }

  /** Number of bindings held for a tenant, or for all tenants. */
  size(accountId?: string): number {
    if (accountId !== undefined) return this.accounts.get(accountId)?.size ?? 0
    let n = 0
    for (const sessions of this.accounts.values()) n += sessions.size
    return n
  }
}
