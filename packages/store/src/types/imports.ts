import type { HealthCheckInput } from './health-checks'
import type { RollupDelta } from './rollups'
import type { UsageEvent } from './usage'

/**
 * Which qcc row a row of another system became (`qcc_import_sources`, docs/contract.md §14.1):
 * a second import updates or skips it instead of creating it again.
 */
export interface ImportSourceRecord {
  /** The system imported from, 1 to 32 characters (`qcc_plus`). */
  source: string
  /** Its table, 1 to 64 characters. */
  table: string
  /** The row's id there, 1 to 191 characters. */
  sourceId: string
  /** The id of the qcc row it became, 1 to 191 characters. */
  targetId: string
  /** HMAC hex of the source row (docs/contract.md §14.1): 64 lowercase hex digits. */
  fingerprint: string
  importedAt: Date
}

/** A health check with the id the importer gives it (1 to 36 characters, e.g. `qccplus-hc-42`). */
export type ImportedHealthCheck = HealthCheckInput & { id: string }

/**
 * One imported usage batch: what the usage writer hands its sink, with the importer's id
 * (1 to 36 characters) so a second run recognises it.
 */
export interface ImportUsageBatch {
  id: string
  /** Raw events; request ids (1 to 128 characters) the store already has are skipped. */
  events: readonly UsageEvent[]
  /** Rollup deltas added as they are (no raw rows behind them). */
  rollups: readonly RollupDelta[]
}

/** What `pendingMigrations` answers about a MySQL database, read without writing. */
export interface MigrationStatus {
  /** Migrations recorded as applied. */
  applied: number
  /** Committed migrations not applied yet (all of them for a database without qcc's tables). */
  pending: number
  /** True when any of qcc's tables (or its migrations table) exists. */
  hasTables: boolean
}

export type { Counters, RollupDelta, RollupKey } from './rollups'
