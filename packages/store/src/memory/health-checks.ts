import type { HealthCheckStore } from '../interface'
import { newHealthCheckRow } from '../rows/health-checks'
import { inRange, type Mem, newestPage } from './state'

/** Health-check history of the memory adapter (not a config change: no version bump). */
export function memoryHealthChecks(m: Mem): HealthCheckStore {
  const { state } = m
  return {
    async recordHealthCheck(input) {
      const row = newHealthCheckRow(input)
      state.health.push(row)
      return { ...row }
    },
    async listHealthChecks(f) {
      const rows = state.health.filter(
        (h) =>
          (!f.accountId || h.accountId === f.accountId) &&
          (!f.nodeId || h.nodeId === f.nodeId) &&
          (!f.source || h.source === f.source) &&
          inRange(h.at, f.from, f.to),
      )
      return newestPage(rows, f, 300, 2000).map((h) => ({ ...h }))
    },
  }
}
