import { parseIpRule, ipRuleContains, type IpRule } from './ip-rules'
import { LIMIT_NAMES, type LimitName, type Limits } from './types'

/** True when every model `pattern` allows is allowed by `outer` (exact, or under its `*` prefix). */
function modelCovered(outer: string, pattern: string): boolean {
  if (!outer.endsWith('*')) return outer === pattern
  return pattern.startsWith(outer.slice(0, -1))
}

function modelsSubset(account: readonly string[], key: readonly string[]): boolean {
  return key.every((p) => account.some((q) => modelCovered(q, p)))
}

function rules(list: readonly string[]): IpRule[] {
  return list.map(parseIpRule).filter((r): r is IpRule => r !== null)
}

function ipsSubset(account: readonly string[], key: readonly string[]): boolean {
  const outer = rules(account)
  // An entry that does not parse (limits not validated) is never inside the account's.
  return key.every((text) => {
    const inner = parseIpRule(text)
    return inner !== null && outer.some((o) => ipRuleContains(o, inner))
  })
}

/**
 * The first of the key's limits that is looser than its account's, or null (docs/contract.md §10:
 * a tenant may limit its own keys, never beyond its account's). Looser means: a number higher
 * (`expires_after_first_use_days` too), `expires_at` later, a `models` pattern not covered by the
 * account's (`claude-sonnet-*` is inside `claude-*`, not the reverse), an `ips` entry not
 * contained in one of the account's by CIDR containment (so `10.1.0.0/16` is inside `10.0.0.0/8`,
 * and exact addresses compare as /32 or /128). A key field left unset while the account sets it is
 * not beyond: the account's limit still binds the key. Fields are checked in `LIMIT_NAMES` order.
 * Expects validated limits ({@link validateLimits}).
 *
 * @example
 * ```ts
 * limitsBeyond({ rpm: 60, models: ['claude-*'] }, { rpm: 100 })              // 'rpm'
 * limitsBeyond({ ips: ['10.0.0.0/8'] }, { ips: ['10.1.2.3'], tpm: 5000 })     // null
 * ```
 */
export function limitsBeyond(account: Limits, key: Limits): LimitName | null {
  for (const name of LIMIT_NAMES) {
    const a = account[name]
    const k = key[name]
    if (a === undefined || k === undefined) continue
    if (name === 'models') {
      if (!modelsSubset(a as readonly string[], k as readonly string[])) return name
    } else if (name === 'ips') {
      if (!ipsSubset(a as readonly string[], k as readonly string[])) return name
    } else if ((k as number) > (a as number)) {
      return name
    }
  }
  return null
}
