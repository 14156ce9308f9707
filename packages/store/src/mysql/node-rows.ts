import type { ErrorRule } from '@qcc/core'
import type { NodeRow } from '../rows/nodes'
import type { NodeDbRow } from './schema/nodes'

// A node row as the MySQL table keeps it: policy lists and maps as JSON text, the sticky TTL in
// whole seconds like the account settings (docs/contract.md §13).

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T))
const text = (v: unknown): string | null => (v === null ? null : JSON.stringify(v))

/** The node row of a table row. */
export function fromNodeDb(db: NodeDbRow): NodeRow {
  const { stickyTtlSec, models, modelMap, errorRules, extraHeaderNames, ...rest } = db
  return {
    ...rest,
    models: json<string[]>(models),
    modelMap: json<Record<string, string>>(modelMap),
    errorRules: json<ErrorRule[]>(errorRules) ?? [],
    stickyTtlMs: stickyTtlSec === null ? null : stickyTtlSec * 1000,
    extraHeaderNames: json<string[]>(extraHeaderNames) ?? [],
  }
}

/** The table row of a node row. */
export function toNodeDb(row: NodeRow): NodeDbRow {
  const { stickyTtlMs, models, modelMap, errorRules, extraHeaderNames, ...rest } = row
  return {
    ...rest,
    models: text(models),
    modelMap: text(modelMap),
    errorRules: errorRules.length === 0 ? null : text(errorRules),
    stickyTtlSec: stickyTtlMs === null ? null : Math.round(stickyTtlMs / 1000),
    extraHeaderNames: extraHeaderNames.length === 0 ? null : text(extraHeaderNames),
  }
}
