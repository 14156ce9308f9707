import { newId } from '../crypto/tokens'
import type { AuditInput, AuditRecord } from '../types/audit'
import { checkName } from './fields'

/** A new audit record from checked input; absent fields are null, `at` defaults to `now`. */
export function newAuditRecord(input: AuditInput, now: Date): AuditRecord {
  return {
    id: newId(),
    at: input.at ?? now,
    actorId: input.actorId ?? null,
    accountId: input.accountId ?? null,
    action: checkName(input.action, 'audit action', 64),
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    ip: input.ip ?? null,
    detail: input.detail ?? null,
  }
}
