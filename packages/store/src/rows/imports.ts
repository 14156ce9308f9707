import { MODEL_ID_MAX } from '@qcc/core'
import { StoreError } from '../errors'
import type { HealthCheckRecord } from '../types/health-checks'
import type { ImportedHealthCheck, ImportSourceRecord, ImportUsageBatch } from '../types/imports'
import type { UsageEvent } from '../types/usage'
import { normalizeEvent } from '../usage/normalize'
import { BUCKET_MS, COUNTER_FIELDS, type RollupDelta } from '../usage/rollup'
import { newHealthCheckRow } from './health-checks'

/** Rows per INSERT of an import (docs/contract.md §14.1 batches; MySQL's 65,535 placeholders). */
export const IMPORT_CHUNK = 1000

/** `items` in slices of at most `size`. */
export function chunks<T>(items: readonly T[], size = IMPORT_CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

const isText = (s: unknown, max: number): s is string =>
  typeof s === 'string' && s !== '' && s.length <= max

/** `s` when a non-empty string of at most `max` characters. @throws StoreError `invalid` */
function text(s: unknown, max: number, what: string): string {
  if (!isText(s, max)) {
    throw new StoreError('invalid', `${what} must be a string of 1 to ${max} characters`)
  }
  return s
}

const FINGERPRINT = /^[0-9a-f]{64}$/

/** A checked copy of an import source record (the column sizes of migration 0007). */
export function checkImportSource(r: ImportSourceRecord): ImportSourceRecord {
  if (!FINGERPRINT.test(String(r?.fingerprint))) {
    throw new StoreError('invalid', 'fingerprint must be 64 lowercase hex digits')
  }
  if (!(r.importedAt instanceof Date) || !Number.isFinite(r.importedAt.getTime())) {
    throw new StoreError('invalid', 'importedAt must be a Date')
  }
  return {
    source: text(r.source, 32, 'source'),
    table: text(r.table, 64, 'table'),
    sourceId: text(r.sourceId, 191, 'sourceId'),
    targetId: text(r.targetId, 191, 'targetId'),
    fingerprint: r.fingerprint,
    importedAt: new Date(r.importedAt.getTime()),
  }
}

/** The records with one per key, the last given winning (as the upsert leaves them). */
export function lastPerKey(records: readonly ImportSourceRecord[]): ImportSourceRecord[] {
  const byKey = new Map<string, ImportSourceRecord>()
  for (const r of records.map(checkImportSource)) {
    byKey.set(importSourceKey(r.source, r.table, r.sourceId), r)
  }
  return [...byKey.values()]
}

/** Map key of a source row. */
export function importSourceKey(source: string, table: string, sourceId: string): string {
  return `${source}\u0000${table}\u0000${sourceId}`
}

/** Sort order of `listImportSources`: by source id as (binary) text. */
export function bySourceId(a: ImportSourceRecord, b: ImportSourceRecord): number {
  return a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0
}

/** A health-check row keeping the importer's id. @throws StoreError `invalid` */
export function importedHealthCheckRow(h: ImportedHealthCheck): HealthCheckRecord {
  return { ...newHealthCheckRow(h), id: text(h?.id, 36, 'health check id') }
}

/** A usage event as the writer stores it (`normalizeEvent`). @throws StoreError `invalid` */
function importedEvent(e: UsageEvent): UsageEvent {
  text(e?.requestId, 128, 'usage event requestId')
  return normalizeEvent(e)
}

function checkDelta(d: RollupDelta): RollupDelta {
  const size = BUCKET_MS[d?.bucket]
  if (size === undefined || !Number.isSafeInteger(d.start) || d.start % size !== 0) {
    throw new StoreError('invalid', 'rollup delta needs a bucket and a start on its boundary')
  }
  text(d.accountId, 36, 'rollup accountId')
  text(d.keyId, 36, 'rollup keyId')
  text(d.model, MODEL_ID_MAX, 'rollup model')
  if (typeof d.nodeId !== 'string' || d.nodeId.length > 36) {
    throw new StoreError('invalid', "rollup nodeId must be '' or an id")
  }
  const counters = { ...d.counters }
  for (const f of COUNTER_FIELDS) {
    if (!Number.isSafeInteger(counters[f]) || counters[f] < 0) {
      throw new StoreError('invalid', `rollup counter ${f} must be a non-negative integer`)
    }
  }
  return { ...d, counters }
}

/** A checked copy of an import batch: events normalised, deltas checked. */
export function checkUsageBatch(b: ImportUsageBatch): ImportUsageBatch {
  return {
    id: text(b?.id, 36, 'batch id'),
    events: (b.events ?? []).map(importedEvent),
    rollups: (b.rollups ?? []).map(checkDelta),
  }
}
