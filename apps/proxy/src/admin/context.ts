import type { Account, Store } from '@qcc/store'
import type { Env } from '../env'
import type { EventBus } from '../events/bus'
import type { Logger } from '../observability/logger'

/** What every admin route module is built from. */
export interface AdminDeps {
  store: Store
  env: Env
  logger: Logger
  events: EventBus
  /** Idle lifetime of a login session; each use renews it. */
  sessionTtlMs: number
  /** Hard cap on a session's age, renewals or not. */
  sessionMaxAgeMs: number
  now: () => number
  /** Aborted when the server starts shutting down: live event streams end at once. */
  shutdown?: AbortSignal
}

/** Hono env of the admin API: the session middleware sets the caller. */
export type AdminEnv = {
  Variables: {
    account: Account
    sessionId: string
  }
}
