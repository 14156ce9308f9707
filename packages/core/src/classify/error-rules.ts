/**
 * A node's own `error_rules`, matched before the built-in classification (docs/contract.md §13).
 */
import { DEFAULTS } from '../config'
import type { EpochMs, ErrorRule } from '../types'
import type { OutcomeDecision } from './classify'

/** How much of an error body a rule's `contains` looks at: the first 4 KiB (docs/contract.md §13). */
export const ERROR_RULE_BODY_CHARS = 4096

/** Cooldown of a `cooldown` rule without `cooldownSec`, seconds (docs/contract.md §13). */
export const ERROR_RULE_DEFAULT_COOLDOWN_SEC = 60

function statusMatches(want: ErrorRule['status'], status: number): boolean {
  if (want === undefined) return true
  if (want === '4xx') return status >= 400 && status < 500
  if (want === '5xx') return status >= 500 && status < 600
  return want === status
}

/**
 * The first rule that matches an error answer, or `undefined` (docs/contract.md §13). A rule's
 * `status` matches a number exactly or a class (`4xx`, `5xx`); its `contains` is a
 * case-insensitive substring (never a regular expression) of the first
 * {@link ERROR_RULE_BODY_CHARS} characters of the body (4 KiB for the ASCII bodies relays send);
 * a rule with neither matches every error answer. Only error answers are meant to be passed here.
 *
 * @example
 * ```ts
 * matchErrorRule([{ status: '5xx', contains: 'quota', action: 'fail' }], 503, '{"msg":"Quota"}')
 * // -> that rule
 * ```
 */
export function matchErrorRule(
  rules: readonly ErrorRule[] | undefined,
  status: number,
  bodyHead: string | undefined,
): ErrorRule | undefined {
  if (rules === undefined || rules.length === 0) return undefined
  let head: string | undefined
  for (const rule of rules) {
    if (!statusMatches(rule.status, status)) continue
    if (rule.contains !== undefined && rule.contains !== '') {
      head ??= (bodyHead ?? '').slice(0, ERROR_RULE_BODY_CHARS).toLowerCase()
      if (!head.includes(rule.contains.toLowerCase())) continue
    }
    return rule
  }
  return undefined
}

/** Options of {@link decideByErrorRule}. */
export interface ErrorRuleDecisionOptions {
  /** Current time, epoch ms. */
  readonly now: EpochMs
  /** Cap of every cooldown (`PROXY_COOLDOWN_MAX_SEC`); default 600 000. */
  readonly cooldownMaxMs?: number | undefined
}

/**
 * The verdict a matched rule gives (docs/contract.md §13), with reason `error_rule`:
 * `failover` is a node fault (one failure) and the next node is tried; `return` passes the answer
 * to the client as it is, whatever its status, and leaves the node alone; `cooldown` rests the
 * node for `cooldownSec` (default 60, capped by `cooldownMaxMs`) and tries the next; `fail` fails
 * the node at once and tries the next.
 *
 * @param detail the attempt's detail in the outbound-error vocabulary (`http_503 api_error`)
 */
export function decideByErrorRule(
  rule: ErrorRule,
  status: number,
  detail: string,
  opts: ErrorRuleDecisionOptions,
): OutcomeDecision {
  const base = { reason: 'error_rule', detail, origin: 'upstream', status } as const
  switch (rule.action) {
    case 'return':
      return { ...base, result: 'pass_through', retry: false, nodeEffect: 'none' }
    case 'failover':
      return { ...base, result: 'failed', retry: true, nodeEffect: 'failure' }
    case 'fail':
      return { ...base, result: 'failed', retry: true, nodeEffect: 'fail_now' }
    case 'cooldown': {
      const sec = rule.cooldownSec ?? ERROR_RULE_DEFAULT_COOLDOWN_SEC
      const ms = Math.max(0, sec * 1000)
      const cap = opts.cooldownMaxMs ?? DEFAULTS.cooldownMaxMs
      return {
        ...base,
        result: 'failed',
        retry: true,
        nodeEffect: 'cooldown',
        cooldownUntil: opts.now + Math.min(ms, cap),
      }
    }
  }
}
