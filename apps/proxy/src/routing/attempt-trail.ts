import {
  pickedByOf,
  traceErrorOf,
  traceOutcomeOf,
  type AttemptOutcome,
  type AttemptTrace,
  type OutcomeDecision,
  type TraceError,
} from '@qcc/core'
import type { AttemptTiming, RouteTarget } from './types'

const NO_ERROR: TraceError = { errorType: null, errorMessage: null }

/** What an upstream's error text must not show: the node's key and its extra headers' values. */
const secretsOf = (target: RouteTarget): (string | null)[] =>
  target.extraHeaders ? [target.apiKey, ...Object.values(target.extraHeaders)] : [target.apiKey]

/**
 * One request's attempts as the trace keeps them (docs/contract.md §12). Core names who picked
 * each node and how each attempt ended; this adds the data path's times and the node's secrets
 * to redact. An entry is made when an attempt is first reported and updated when a committed
 * attempt ends.
 */
export class AttemptTrail {
  readonly entries: AttemptTrace[] = []
  /** The entry of each attempt by its index (a committed attempt is reported again). */
  private readonly byIndex: (AttemptTrace | undefined)[] = []

  /** Records core's verdict on an attempt, with when it was sent, answered and over. */
  record(
    target: RouteTarget,
    outcome: AttemptOutcome,
    decision: OutcomeDecision,
    timing: AttemptTiming | undefined,
  ): void {
    const index = target.attempt.index
    const known = this.byIndex[index]
    const error =
      decision.result === 'success' ? NO_ERROR : traceErrorOf(outcome, decision, secretsOf(target))
    const status = decision.status ?? ('status' in outcome ? outcome.status : null)
    if (known) {
      // A committed attempt that failed afterwards: its head stays, its ending changes.
      known.outcome = traceOutcomeOf(outcome, decision)
      known.errorType = error.errorType
      known.errorMessage = error.errorMessage
      if (timing) known.durationMs = Math.max(0, timing.endedAt - known.startedAt)
      return
    }
    const startedAt = timing?.sentAt ?? target.attempt.startedAt
    const entry: AttemptTrace = {
      nodeId: target.nodeId,
      nodeName: target.name,
      pickedBy: pickedByOf(target.attempt.reason, target.lastResort),
      startedAt,
      status: status ?? null,
      outcome: traceOutcomeOf(outcome, decision),
      errorType: error.errorType,
      errorMessage: error.errorMessage,
      ttfbMs:
        timing?.answeredAt !== undefined && timing.answeredAt !== null
          ? Math.max(0, timing.answeredAt - startedAt)
          : null,
      durationMs: timing ? Math.max(0, timing.endedAt - startedAt) : 0,
    }
    this.byIndex[index] = entry
    this.entries.push(entry)
  }

  /**
   * A committed attempt's end: its duration runs to the last byte, and a client that left makes
   * it `client_error` (docs/contract.md §12.1) unless the node had already failed it.
   */
  settle(target: RouteTarget, endedAt: number, clientGone: boolean): void {
    const entry = this.byIndex[target.attempt.index]
    if (!entry) return
    entry.durationMs = Math.max(0, endedAt - entry.startedAt)
    if (clientGone && entry.outcome === 'ok') {
      entry.outcome = 'client_error'
      entry.errorMessage = 'client disconnected'
    }
  }
}
