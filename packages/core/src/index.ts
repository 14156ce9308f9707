/**
 * `@qcc/core`: every routing, retry, health and usage decision of the qcc gateway, as pure logic.
 * No I/O and no `node:` imports; clock and random source are injected. See README.md.
 */
export const VERSION = '0.1.0'

export type {
  AuthHeaderMode,
  ErrorRule,
  ErrorRuleAction,
  StickyPolicy,
  AttemptOutcome,
  Clock,
  EpochMs,
  HeaderBag,
  HealthCheckMethod,
  NodeConfig,
  NodeHealth,
  NodeStatus,
  PoolEntry,
  RandomSource,
  TransitionEvent,
} from './types'
export { AUTH_HEADER_MODES, ERROR_RULE_ACTIONS, HEALTH_CHECK_METHODS } from './types'
export { DEFAULTS, type Defaults } from './config'
export {
  effectiveSettings,
  extractTenantKey,
  type Account,
  type AccountSettings,
  type EffectiveSettings,
} from './account'
export { CoreError, UpstreamError, type CoreErrorCode } from './errors'

export {
  classifyUpstreamOutcome,
  type ClassifyOptions,
  type FailureReason,
  type NodeEffect,
  type OutcomeDecision,
} from './classify/classify'
export { readErrorBody, type ErrorBodyInfo } from './classify/error-body'
export {
  decideByErrorRule,
  ERROR_RULE_BODY_CHARS,
  ERROR_RULE_DEFAULT_COOLDOWN_SEC,
  matchErrorRule,
  type ErrorRuleDecisionOptions,
} from './classify/error-rules'
export { detectFake200, FAKE_200_PREFIX } from './classify/fake-200'
export {
  finalErrorForFailedAttempts,
  type ClientErrorType,
  type FinalError,
  type FinalErrorOptions,
} from './classify/final-error'
export { headerValue, parseRetryAfter, rateLimitResetAt } from './classify/retry-after'
export {
  ADDRESS_REFUSED_CODE,
  OUTBOUND_ERROR_CLASSES,
  OUTBOUND_MESSAGE_MAX,
  anthropicErrorParts,
  describeOutboundError,
  httpErrorForm,
  isErrorType,
  outboundErrorClass,
  type AnthropicErrorParts,
  type OutboundErrorClass,
  type OutboundErrorInput,
} from './classify/outbound-error'
export {
  PICKED_BY,
  TRACE_MESSAGE_MAX,
  TRACE_OUTCOMES,
  pickedByOf,
  traceErrorOf,
  traceOutcomeOf,
  type AttemptTrace,
  type PickedBy,
  type TraceError,
  type TraceOutcome,
} from './trace/attempt-trace'
export { REDACTED, redactSecrets } from './redact/redact'

export {
  selectNode,
  type SelectContext,
  type Selection,
  type SelectionReason,
} from './select/select'
export { fnv1a32, rendezvousScore, sessionHash } from './select/rendezvous'
export {
  StickyBindings,
  stickyTtlFor,
  type StickyObserver,
  type StickyOptions,
} from './select/sticky'
export {
  modelsListFromNodes,
  nodeServesModel,
  resolveUpstreamModel,
  servingNodes,
} from './select/models'
export { TTFB_WINDOW_SIZE, TtfbWindow, TtfbWindows, type TtfbMedians } from './select/ttfb'
export { extractSessionId } from './session-id'

export { isAvailable, isEntryAvailable, soonestCoolingEnd } from './health/availability'
export { NodeHealthMachine, type HealthMachineOptions } from './health/state-machine'
export {
  effectiveStatus,
  initialHealth,
  type HealthEffect,
  type PersistedHealth,
} from './health/health-record'
export { ProbeSchedule, type ProbeScheduleOptions, type ProbeTask } from './health/probe-schedule'

export {
  AttemptPlanner,
  RequestAttempts,
  type Attempt,
  type AttemptReport,
  type PlannerOptions,
  type PlanRequest,
  type StopReason,
} from './plan/planner'
export { RetryBudget, type RetryBudgetOptions } from './plan/retry-budget'

export {
  createUsageAccumulator,
  type AccumulatorOptions,
  type UsageAccumulator,
} from './usage/accumulator'
export { usageFromJson } from './usage/json-usage'
export { applyUsageObject, emptyUsage, type Usage } from './usage/types'
export { computeCostUsd, findPrice, type BillableUsage, type PriceRates } from './usage/cost'
export { DEFAULT_MODEL, DEFAULT_PROBE_MODEL, PRICES, type ModelPrice } from './usage/prices'
export {
  createModelPricer,
  DEFAULT_PRICE_MODEL,
  modelFamily,
  PRICED_BY,
  type ModelPricer,
  type ModelPricing,
  type PricedBy,
} from './usage/pricing'
export { isValidModelId, MODEL_ID_MAX } from './usage/model-id'

export {
  COST_LIMIT_NAMES,
  COUNTED_LIMIT_NAMES,
  LIMIT_NAMES,
  type CostLimitName,
  type CountedLimitName,
  type LimitErrorType,
  type LimitName,
  type LimitRefusal,
  type LimitScope,
  type Limits,
  type LimitsPatch,
  type LimitWindowState,
  type LimitWindows,
} from './limits/types'
export {
  LIMIT_LIST_MAX,
  hasLimits,
  mergeLimits,
  validateLimits,
  type LimitsValidation,
} from './limits/validate'
export { limitsBeyond } from './limits/beyond'
export { ipAllowed } from './limits/ip-rules'
export {
  checkLimitAccess,
  effectiveExpiry,
  modelAllowed,
  usageTokensForLimits,
  type LimitAccessInput,
  type LimitRoute,
} from './limits/access'
export {
  FIVE_HOURS_MS,
  MINUTE_WINDOW_MS,
  planCounterChecks,
  utcDay,
  utcIsoWeek,
  utcMonth,
  type CounterCheck,
  type LimitSubject,
} from './limits/plan'
export { limitRefusal, unpricedModelRefusal } from './limits/refusal'
