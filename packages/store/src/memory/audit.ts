import type { AuditStore } from '../interface'
import { newAuditRecord } from '../rows/audit'
import { inRange, type Mem, newestPage } from './state'

/** The audit log of the memory adapter; details are deep-copied in and out. */
export function memoryAudit(m: Mem): AuditStore {
  const { state, ctx } = m
  return {
    async appendAudit(input) {
      const row = structuredClone(newAuditRecord(input, ctx.now()))
      state.audit.push(row)
      return structuredClone(row)
    },
    async listAudit(f = {}) {
      const rows = state.audit.filter(
        (a) =>
          (!f.accountId || a.accountId === f.accountId) &&
          (!f.actorId || a.actorId === f.actorId) &&
          (!f.action || a.action === f.action) &&
          inRange(a.at, f.from, f.to),
      )
      return newestPage(rows, f, 100, 1000).map((a) => structuredClone(a))
    },
  }
}
