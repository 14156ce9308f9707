import type { FailureReason } from './classify/classify'

/** Codes of {@link CoreError}: a closed union, so callers can switch exhaustively. */
export type CoreErrorCode = 'invalid_config' | 'invalid_argument'

/**
 * Misuse of the library (a bad option, an impossible argument). Never thrown for upstream
 * behaviour: those are values ({@link OutcomeDecision}), not exceptions.
 *
 * @example
 * ```ts
 * try { new AttemptPlanner({ ...opts, retryMax: 0 }) }
 * catch (e) { if (e instanceof CoreError && e.code === 'invalid_config') console.error(e.message) }
 * ```
 */
export class CoreError extends Error {
  override readonly name: string = 'CoreError'
  /** What was misused. */
  readonly code: CoreErrorCode
  /** Misuse does not fix itself: never retryable. */
  readonly retryable: boolean = false

  constructor(code: CoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/**
 * An upstream attempt that failed, for callers that prefer throwing to inspecting a decision.
 * `origin` follows Envoy's split: `local` (we could not reach or hear the node) or `upstream`
 * (the node answered with an error).
 *
 * @example
 * ```ts
 * const d = classifyUpstreamOutcome({ kind: 'response', status: 503 }, { now: Date.now() })
 * if (d.result === 'failed') throw UpstreamError.fromDecision(d)
 * ```
 */
export class UpstreamError extends Error {
  override readonly name: string = 'UpstreamError'
  /** Why the attempt failed (see `FailureReason`). */
  readonly code: FailureReason
  /** Whether another node may be tried. */
  readonly retryable: boolean
  readonly origin: 'local' | 'upstream'
  /** The upstream status, when the node answered. */
  readonly status: number | undefined

  constructor(
    code: FailureReason,
    message: string,
    fields: { retryable: boolean; origin: 'local' | 'upstream'; status?: number | undefined },
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.code = code
    this.retryable = fields.retryable
    this.origin = fields.origin
    this.status = fields.status
  }

  /** Builds the error from a classification. */
  static fromDecision(decision: {
    reason: FailureReason
    detail: string
    retry: boolean
    origin: 'local' | 'upstream'
    status?: number | undefined
  }): UpstreamError {
    return new UpstreamError(decision.reason, decision.detail, {
      retryable: decision.retry,
      origin: decision.origin,
      status: decision.status,
    })
  }
}
