import type { AdminDeps } from './context'

/**
 * Announces that a mutation changed what routing reads: an account's nodes, keys or settings, or
 * (`accountId` null) installation-wide data such as prices. This replica's routing applies it at
 * once (and the mutation's answer waits for that, see `RoutingBarrier`); the console's live
 * stream shows it.
 */
export function publishConfigChanged(
  deps: Pick<AdminDeps, 'events' | 'now'>,
  accountId: string | null,
): void {
  deps.events.publish({
    type: 'config.changed',
    accountId,
    data: { at: new Date(deps.now()).toISOString() },
  })
}
