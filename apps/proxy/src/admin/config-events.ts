import type { AdminDeps } from './context'

/**
 * Announces that a mutation changed what routing reads: an account's nodes, keys or settings, or
 * (`accountId` null) installation-wide data such as prices. This replica's routing applies it at
 * once (and the mutation's answer waits for that, see `RoutingBarrier`); the console's live
 * stream shows it. `limits: true` says limits of a key or account changed: only then do the
 * spend windows need seeding from the store (a new account, node or key without limits has no
 * spend to seed, and seeding on every change made provisioning pay five queries a change).
 */
export function publishConfigChanged(
  deps: Pick<AdminDeps, 'events' | 'now'>,
  accountId: string | null,
  what: { limits?: boolean } = {},
): void {
  deps.events.publish({
    type: 'config.changed',
    accountId,
    data: { at: new Date(deps.now()).toISOString(), ...(what.limits ? { limits: true } : {}) },
  })
}
