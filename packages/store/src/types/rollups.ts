import type { UsageBucket } from './usage'

/** Counters kept per rollup row; cost is in integer nano-USD so sums stay exact. */
export interface Counters {
  requests: number
  errors: number
  inputTokens: number
  outputTokens: number
  cacheCreationInputTokens: number
  cacheCreation5mTokens: number
  cacheCreation1hTokens: number
  cacheReadInputTokens: number
  costNanoUsd: number
  bytes: number
  durationMsSum: number
  ttfbMsSum: number
}

/** Dimensions of one rollup row. `nodeId` is '' for requests that reached no node. */
export interface RollupKey {
  bucket: UsageBucket
  start: number
  accountId: string
  nodeId: string
  model: string
  keyId: string
}

/** A rollup row (or a delta to add to one). */
export interface RollupDelta extends RollupKey {
  counters: Counters
}
