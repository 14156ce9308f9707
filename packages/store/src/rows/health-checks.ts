import { newId } from '../crypto/tokens'
import { StoreError } from '../errors'
import type { HealthCheckInput, HealthCheckRecord } from '../types/health-checks'

/**
 * A new health-check row from checked input: nulls for absent numbers, the error text cut to
 * 1000 characters and the method to 20 (the MySQL column sizes). @throws StoreError `invalid`
 */
export function newHealthCheckRow(h: HealthCheckInput): HealthCheckRecord {
  if (!h?.nodeId || !h.accountId || !(h.at instanceof Date)) {
    throw new StoreError('invalid', 'health check needs nodeId, accountId and at')
  }
  return {
    ...h,
    id: newId(),
    ok: Boolean(h.ok),
    latencyMs: h.latencyMs ?? null,
    status: h.status ?? null,
    error: h.error ? String(h.error).slice(0, 1000) : null,
    method: String(h.method ?? '').slice(0, 20),
    source: h.source ?? 'scheduled',
  }
}
