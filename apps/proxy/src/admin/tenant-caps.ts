import type { Account, Store } from '@qcc/store'
import { ApiError } from './errors'

/** Live proxy keys a tenant's account may hold (docs/contract.md §9); admins are not capped. */
export const TENANT_KEY_CAP = 50
/** Live monitor share links a tenant's account may hold (docs/contract.md §9). */
export const TENANT_SHARE_CAP = 50
/** The shortest health interval a tenant may set: a shorter one turns probes into a flood. */
export const TENANT_MIN_HEALTH_INTERVAL_SEC = 30

/**
 * A per-account cap on what a tenant creates. The count and the creation run one at a time per
 * account on this replica, so parallel requests cannot slip past the cap together; the one over
 * it gets 409 `{error}`. Admins are not capped.
 */
export class TenantCap {
  private readonly queues = new Map<string, Promise<unknown>>()

  constructor(
    /** Plural noun for the error, e.g. `proxy keys`. */
    private readonly what: string,
    private readonly cap: number,
    /** How many the account holds now. */
    private readonly count: (accountId: string) => Promise<number>,
  ) {}

  /** Runs `create` unless `me` is a tenant whose account already holds the cap. @throws ApiError `conflict` */
  run<T>(me: Account, accountId: string, create: () => Promise<T>): Promise<T> {
    if (me.isAdmin) return create()
    const previous = this.queues.get(accountId) ?? Promise.resolve()
    const run = previous.then(async () => {
      if ((await this.count(accountId)) >= this.cap) {
        throw new ApiError(
          'conflict',
          `limit reached: an account may hold ${this.cap} ${this.what}`,
        )
      }
      return create()
    })
    const settled = run.catch(() => undefined)
    this.queues.set(accountId, settled)
    void settled.then(() => {
      if (this.queues.get(accountId) === settled) this.queues.delete(accountId)
    })
    return run
  }
}

/** The cap on live (not revoked) proxy keys, shared by every route that issues keys. */
export function tenantKeyCap(store: Store): TenantCap {
  return new TenantCap(
    'live proxy keys',
    TENANT_KEY_CAP,
    async (accountId) => (await store.listProxyKeys(accountId)).filter((k) => !k.revokedAt).length,
  )
}

/** The cap on live (neither revoked nor expired) share links. */
export function tenantShareCap(store: Store, now: () => number): TenantCap {
  return new TenantCap('share links', TENANT_SHARE_CAP, async (accountId) => {
    const t = now()
    const links = await store.listShareLinks({ accountId })
    return links.filter((l) => l.expiresAt === null || l.expiresAt.getTime() > t).length
  })
}
