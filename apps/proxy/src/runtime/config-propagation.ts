import type { EventBus } from '../events/bus'
import type { Logger } from '../observability/logger'
import { LocalChanges } from './local-changes'
import type { RoutingRuntime } from './routing-runtime'
import { SerialJobs } from './serial-jobs'

/** How config and node-state changes reach this replica's routing. */
export interface ConfigPropagation {
  /**
   * Picks up config, price and node-state changes (this replica's or another's): the poll, a
   * whole reload when the store's change version moved.
   */
  refresh(): Promise<void>
  /**
   * Applies this replica's own admin change at once: the account's nodes, record and settings
   * (and its nodes in the health machine); `null` (installation-wide) reloads the prices.
   */
  refreshAccount(accountId: string | null): Promise<void>
  /** The admin API's read-your-writes barrier over the changes started by `config.changed`. */
  localChanges: LocalChanges
  /** Starts the poll. */
  start(): void
  /** Stops the poll. */
  stop(): void
}

export interface ConfigPropagationDeps {
  routing: Pick<RoutingRuntime, 'directory' | 'prices' | 'sync' | 'stickyResets'>
  bus: EventBus
  log: Logger
  /** How often other replicas' changes are looked for. */
  pollMs: number
}

/**
 * Keeps routing in step with the store: every `pollMs` a whole reload when the change version
 * moved (other replicas' changes, node states), and at once for each `config.changed` this
 * replica's admin API publishes (read your writes, docs/contract.md §9). With Redis, other
 * replicas' `config.changed` and `node.state` events arrive on the bus too (marked remote,
 * docs/contract.md §11) and are applied at once; the poll stays as the fallback. Reloads take
 * turns (SerialJobs), so a stale state is never applied last.
 */
export function propagateConfigChanges(deps: ConfigPropagationDeps): ConfigPropagation {
  const { directory, prices, sync, stickyResets } = deps.routing
  const jobs = new SerialJobs()
  const wholeReload = (read: () => Promise<boolean>) => async () => {
    const changed = await read()
    if (changed) {
      stickyResets.apply(directory.all())
      await prices.refresh()
    }
    // Node state moves without a config change (another replica's transitions): always sync.
    await sync.sync(directory.all())
  }
  const refresh = () =>
    jobs.run(
      'all',
      wholeReload(() => directory.refresh()),
    )
  // The poll skips versions only this replica's own (already applied) changes moved. Its own
  // key: an explicit refresh asked while a poll waits must not be answered by that poll.
  const poll = () =>
    jobs.run(
      'poll',
      wholeReload(() => directory.pollRefresh()),
    )
  // Accounts asked for while their reload waits to start are reloaded together, in one job: at
  // fleet size (many admin changes at once) each change then waits for one reload, not for
  // every change queued before it. The job reads after every ask it took (it starts later).
  let waiting = new Set<string>()
  const refreshAccount = (accountId: string | null) => {
    if (accountId === null)
      return jobs.run('prices', () =>
        prices.refresh().catch((err: unknown) => {
          directory.markStale()
          throw err
        }),
      )
    waiting.add(accountId)
    return jobs.run('accounts', async () => {
      const ids = [...waiting]
      waiting = new Set()
      // Not applied now: the poll must bring it even though only this replica moved the version.
      await directory.refreshAccounts(ids).catch((err: unknown) => {
        directory.markStale()
        throw err
      })
      for (const id of ids) {
        stickyResets.apply(directory.nodesOf(id))
        sync.syncAccount(id, directory.nodesOf(id))
      }
    })
  }
  const failed = (err: unknown) => deps.log.warn({ err }, 'config refresh failed')
  const localChanges = new LocalChanges(refreshAccount, failed)
  deps.bus.subscribe((event) => {
    // This replica's admin changes and (remote, relayed through Redis) other replicas' alike:
    // either way the account is reloaded at once. A local answer's barrier may then also wait
    // for a remote reload; it never misses its own.
    if (event.type === 'config.changed') localChanges.start(event.accountId)
    // Another replica's failover or recovery is in the store already (it announces only what
    // it persisted): a whole reload brings it to routing now instead of at the next poll.
    // SerialJobs coalesces these: at most one whole reload runs and one waits, however many
    // transitions arrive.
    else if (event.type === 'node.state' && event.remote) void refresh().catch(failed)
  })
  let timer: NodeJS.Timeout | undefined
  return {
    refresh,
    refreshAccount,
    localChanges,
    start() {
      timer ??= setInterval(() => void poll().catch(failed), deps.pollMs)
      timer.unref()
    },
    stop() {
      clearInterval(timer)
      timer = undefined
    },
  }
}
