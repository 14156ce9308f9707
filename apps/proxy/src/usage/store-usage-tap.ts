import {
  computeCostUsd,
  createUsageAccumulator,
  usageFromJson,
  type Usage,
  type UsageAccumulator,
} from '@qcc/core'
import type { UsageEvent } from '@qcc/store'
import type { EventBus } from '../events/bus'
import type { UsageRecorder, UsageRequestInfo, UsageResult, UsageTap } from '../data-path/usage-tap'
import type { ProxyMetrics } from '../observability/metrics'
import type { PriceTable } from './price-table'

/** A plain JSON answer larger than this is not parsed for usage (Messages answers are small). */
const JSON_BODY_CAP = 4 * 1024 * 1024

export interface StoreUsageTapDeps {
  /** The store's batching writer: enqueue never blocks the request. */
  writer: { enqueue(event: UsageEvent): void }
  prices: Pick<PriceTable, 'price'>
  bus: EventBus
  now: () => number
  metrics?: Pick<ProxyMetrics, 'requestFinished' | 'streamOpened' | 'streamClosed'>
  /** Node names for metric labels. */
  nodeName?: (nodeId: string) => string | undefined
}

/**
 * One usage record per request, read from the bytes as they are forwarded: SSE goes through
 * core's incremental accumulator (nothing is held back); a JSON answer is collected and parsed
 * once at the end. Cut and cancelled streams keep what arrived.
 */
export function createStoreUsageTap(deps: StoreUsageTapDeps): UsageTap {
  return {
    begin: (info) => new RequestUsage(info, deps),
  }
}

class RequestUsage implements UsageRecorder {
  private sse: UsageAccumulator | undefined
  private json: Buffer[] | undefined
  private jsonBytes = 0
  readonly startedAt: number

  constructor(
    private readonly info: UsageRequestInfo,
    private readonly deps: StoreUsageTapDeps,
  ) {
    this.startedAt = info.startedAt
  }

  get overflowed(): boolean {
    return this.sse?.overflowed ?? false
  }

  get errorType(): string | null {
    return this.sse?.usage.errorType ?? null
  }

  get complete(): boolean {
    return this.sse?.usage.complete ?? false
  }

  get sawErrorEvent(): boolean {
    return this.sse?.usage.sawError ?? false
  }

  onCommit(isSse: boolean): void {
    if (isSse) {
      this.sse = createUsageAccumulator()
      this.deps.metrics?.streamOpened()
    } else this.json = []
  }

  onChunk(chunk: Buffer): void {
    if (this.sse) this.sse.push(chunk)
    else if (this.json && this.jsonBytes + chunk.length <= JSON_BODY_CAP) {
      this.json.push(chunk)
      this.jsonBytes += chunk.length
    }
  }

  finish(result: UsageResult): void {
    const usage = this.usage()
    // docs/contract.md §13: with a model_map the answer names the upstream id; the record keeps
    // the requested one as `model`, and the price is the upstream model's when it has one.
    const upstreamModel = result.upstreamModel
    const named =
      (upstreamModel !== undefined ? this.info.model : usage?.model) ??
      usage?.model ??
      this.info.model
    const model = named ?? 'unknown'
    // docs/contract.md §15: every row says how it was priced; a request that named no model
    // (GET /v1/models) has nothing to price.
    const pricing = named === undefined ? undefined : this.deps.prices.price(named, upstreamModel)
    const price = pricing?.price
    const now = this.deps.now()
    const event: UsageEvent = {
      requestId: this.info.requestId,
      accountId: this.info.accountId,
      keyId: this.info.keyId,
      nodeId: result.nodeId,
      model,
      status: result.status,
      attempts: result.attempts,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      cacheCreationInputTokens: usage?.cacheCreationInputTokens ?? 0,
      cacheCreation5mTokens: usage?.cacheCreation5mTokens ?? 0,
      cacheCreation1hTokens: usage?.cacheCreation1hTokens ?? 0,
      cacheReadInputTokens: usage?.cacheReadInputTokens ?? 0,
      // Rounded to the nano-dollar the store keeps, so the writer takes the event as it is.
      costUsd: usage && price ? Math.round(computeCostUsd(usage, price) * 1e9) / 1e9 : 0,
      pricedBy: pricing?.pricedBy ?? null,
      ttfbMs: result.ttfbMs,
      durationMs: now - this.startedAt,
      bytes: result.bytes,
      sessionId: this.info.sessionId ?? null,
      partial: result.partial,
      at: new Date(now),
    }
    if (result.refusal !== undefined) event.refusal = result.refusal
    if (result.refused !== undefined) event.refused = result.refused
    // docs/contract.md §12: the decision chain and who asked, with the usage row.
    if (result.trace !== undefined) event.trace = result.trace
    if (result.client !== undefined) {
      event.clientIp = result.client.ip
      event.userAgent = result.client.userAgent
      event.stream = result.client.stream
    }
    if (upstreamModel !== undefined) event.upstreamModel = upstreamModel
    // Into the limit windows first: the batched write reaches the store seconds later.
    if (usage) this.info.countUsage?.(usage, event.costUsd, now)
    this.deps.writer.enqueue(event)
    if (this.sse) this.deps.metrics?.streamClosed()
    this.deps.metrics?.requestFinished(
      event,
      event.nodeId ? this.deps.nodeName?.(event.nodeId) : undefined,
    )
    this.deps.bus.publish({
      type: 'request',
      accountId: event.accountId,
      data: {
        request_id: event.requestId,
        account_id: event.accountId,
        key_id: event.keyId,
        node_id: event.nodeId,
        attempts: event.attempts,
        model: event.model,
        status: event.status,
        duration_ms: event.durationMs,
        at: event.at.toISOString(),
      },
    })
  }

  private usage(): Usage | undefined {
    if (this.sse) return this.sse.end()
    if (!this.json || this.json.length === 0) return undefined
    try {
      return usageFromJson(JSON.parse(Buffer.concat(this.json).toString('utf8')))
    } catch {
      return undefined
    }
  }
}
