import type { IncomingMessage } from 'node:http'
import {
  COST_LIMIT_NAMES,
  checkLimitAccess,
  hasLimits,
  limitRefusal,
  planCounterChecks,
  unpricedModelRefusal,
  usageTokensForLimits,
  type BillableUsage,
  type CounterCheck,
  type LimitRefusal,
  type LimitRoute,
  type Limits,
  type LimitScope,
  type LimitSubject,
  type LimitWindows,
} from '@qcc/core'
import type { AdmitAnswer, CounterSubject, LimitCounters } from './counters'

/**
 * The authenticated key as the store's index resolves it (`ResolvedProxyKey`); absent limits are
 * none, an absent first use is "not yet".
 */
export interface LimitTenant {
  accountId: string
  keyId: string
  keyLimits?: Limits
  accountLimits?: Limits
  firstUsedAt?: number | null
}

/** What an admitted request holds: its slots, until it ends, and its subjects' usage windows. */
export interface LimitTicket {
  /** Frees the concurrency slots; safe to call more than once (every ending calls it). */
  release(): void
  /** Adds the request's tokens and spend to its windows, the moment its usage is known. */
  countUsage(usage: BillableUsage, costUsd: number, at: number): void
}

export type GateAnswer = { ok: true; ticket: LimitTicket } | { ok: false; refusal: LimitRefusal }

export interface LimitGateDeps {
  counters: LimitCounters
  now: () => number
  metrics: { limitRefused(scope: LimitScope, limit: string): void }
  log: {
    info(obj: object, msg: string): void
    warn(obj: object, msg: string): void
  }
  /** The client address (docs/contract.md 6.3); asked only when an `ips` limit is set. */
  clientAddress: (req: IncomingMessage) => string
  /** The store's `markProxyKeyFirstUse`: records the first use, answers the recorded one. */
  markFirstUse: (keyId: string, at: Date) => Promise<Date | null>
  /**
   * True when a model id has no price at all (docs/contract.md §15: the price table's `unpriced`);
   * absent: every model counts as priced.
   */
  unpriced?: (model: string) => boolean
}

/** The ticket of a request no counter holds (shared: the unlimited path allocates nothing). */
export const NO_TICKET: LimitTicket = Object.freeze({ release() {}, countUsage() {} })
const NONE: Limits = Object.freeze({})
const OPEN: GateAnswer = Object.freeze({ ok: true, ticket: NO_TICKET })

function countsUsage(l: Limits): boolean {
  if (l.tpm !== undefined) return true
  for (const name of COST_LIMIT_NAMES) if (l[name] !== undefined) return true
  return false
}

interface GateRequest {
  requestId: string
  tenant: LimitTenant
}

/** A key's first use as this replica knows it (docs/contract.md §10 `expires_after_first_use_days`). */
interface FirstUse {
  at: number
  state: 'marking' | 'marked' | 'failed'
}

/**
 * The data path's door for limits (docs/contract.md §10): the checks that need no counter
 * (expiry, `ips`, `models`), then the counters' admit for `/v1/messages` (a slot and an rpm unit
 * per request, never per attempt), the refusal the client gets, and the usage each admitted
 * request feeds back. A key and account without limits cost a null check and two empty-object
 * scans: no allocation.
 */
export class LimitGate {
  private readonly firstUses = new Map<string, FirstUse>()
  private failOpenWarned = false

  constructor(private readonly deps: LimitGateDeps) {}

  /**
   * Decides a request (positional arguments: the unlimited path must allocate nothing). `model`
   * is the body's, undefined without one; `req` is asked for the client address only when an
   * `ips` limit is set.
   */
  admit(
    requestId: string,
    tenant: LimitTenant,
    route: LimitRoute,
    model: string | undefined,
    client: IncomingMessage,
  ): GateAnswer | Promise<GateAnswer> {
    if (!tenant.firstUsedAt) this.noteFirstUse(tenant.keyId)
    const k = tenant.keyLimits ?? NONE
    const a = tenant.accountLimits ?? NONE
    if (!hasLimits(k) && !hasLimits(a)) return OPEN
    const now = this.deps.now()
    const req: GateRequest = { requestId, tenant }
    const refusal = checkLimitAccess({
      keyLimits: k,
      accountLimits: a,
      now,
      firstUsedAt: tenant.firstUsedAt || (this.firstUses.get(tenant.keyId)?.at ?? now),
      clientIp: k.ips !== undefined || a.ips !== undefined ? this.deps.clientAddress(client) : '',
      model,
      route,
    })
    if (refusal) return this.refused(req, refusal)
    // docs/contract.md §10 "What counts": only /v1/messages takes rpm, tpm, slots and spend.
    if (route !== 'messages') return OPEN
    // docs/contract.md §15: spend a cost cap cannot count never passes it for free.
    if (model !== undefined && this.deps.unpriced?.(model)) {
      const unpriced = unpricedModelRefusal(k, a, model)
      if (unpriced) return this.refused(req, unpriced)
    }
    const subjects: LimitSubject[] = [
      { scope: 'key', id: tenant.keyId, limits: k },
      { scope: 'account', id: tenant.accountId, limits: a },
    ]
    const checks = planCounterChecks(subjects, now)
    if (checks.length === 0) return OPEN
    let answer: AdmitAnswer | Promise<AdmitAnswer>
    try {
      answer = this.deps.counters.admit(requestId, checks, now)
    } catch (err) {
      return this.failOpen(err)
    }
    if (answer instanceof Promise) {
      return answer.then(
        (a2) => this.settle(req, checks, subjects, a2, now),
        (err: unknown) => this.failOpen(err),
      )
    }
    return this.settle(req, checks, subjects, answer, now)
  }

  /**
   * The windows of one key's or account's counted limits (the admin API's `windows` and
   * `/key/status`, docs/contract.md §10); `{}` when none is set.
   */
  windows(subject: LimitSubject): Promise<LimitWindows> {
    const now = this.deps.now()
    const checks = planCounterChecks([subject], now)
    return checks.length === 0 ? Promise.resolve({}) : this.deps.counters.windows(checks, now)
  }

  /** {@link windows} of each subject, in order. */
  windowsMany(subjects: readonly LimitSubject[]): Promise<LimitWindows[]> {
    return Promise.all(subjects.map((s) => this.windows(s)))
  }

  private settle(
    req: GateRequest,
    checks: CounterCheck[],
    subjects: LimitSubject[],
    answer: AdmitAnswer,
    now: number,
  ): GateAnswer {
    if (!answer.ok) {
      const check = checks[answer.index] as CounterCheck
      return this.refused(req, limitRefusal(check, answer.freesAt, now))
    }
    const counted: CounterSubject[] = []
    for (const s of subjects) if (countsUsage(s.limits)) counted.push({ scope: s.scope, id: s.id })
    const { counters } = this.deps
    const hasSlot = checks.some((c) => c.limit === 'concurrency')
    let released = !hasSlot
    const requestId = req.requestId
    return {
      ok: true,
      ticket: {
        release() {
          if (released) return
          released = true
          counters.release(requestId, checks)
        },
        countUsage(usage, costUsd, at) {
          if (counted.length === 0) return
          const tokens = usageTokensForLimits(usage)
          if (tokens === 0 && costUsd === 0) return
          counters.record(counted, { requestId, tokens, costUsd, at })
        },
      },
    }
  }

  private refused(req: GateRequest, refusal: LimitRefusal): GateAnswer {
    this.deps.metrics.limitRefused(refusal.scope, refusal.limit)
    this.deps.log.info(
      {
        requestId: req.requestId,
        accountId: req.tenant.accountId,
        keyId: req.tenant.keyId,
        scope: refusal.scope,
        limit: refusal.limit,
        status: refusal.status,
      },
      `request refused: ${refusal.message}`,
    )
    return { ok: false, refusal }
  }

  /** docs/contract.md §10: counters that cannot answer (Redis gone) let requests through. */
  private failOpen(err: unknown): GateAnswer {
    if (!this.failOpenWarned) {
      this.failOpenWarned = true
      this.deps.log.warn({ err }, 'limit counters failed; requests pass unlimited meanwhile')
    }
    return OPEN
  }

  /**
   * Records the key's first request in the store, once per key and replica, off the request path
   * (docs/contract.md §10: `expires_after_first_use_days` starts there). The store keeps the first
   * writer's time across replicas; this replica then uses that time. A failed write is retried on
   * the key's next request.
   */
  private noteFirstUse(keyId: string): void {
    const known = this.firstUses.get(keyId)
    if (known && known.state !== 'failed') return
    const at = known?.at ?? this.deps.now()
    const entry: FirstUse = { at, state: 'marking' }
    this.firstUses.set(keyId, entry)
    // Off the request path: started on a later turn, so nothing of the store runs in this request.
    Promise.resolve()
      .then(() => this.deps.markFirstUse(keyId, new Date(at)))
      .then(
        (recorded) => {
          entry.state = 'marked'
          if (recorded) entry.at = recorded.getTime()
        },
        (err: unknown) => {
          entry.state = 'failed'
          this.deps.log.warn({ err, keyId }, 'recording the first use of a key failed')
        },
      )
  }
}
