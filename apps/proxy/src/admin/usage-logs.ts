import type { UsageLogEntry, UsageStatusFilter } from '@qcc/store'
import { MODEL_ID_MAX, PICKED_BY, PRICED_BY, TRACE_OUTCOMES, type PricedBy } from '@qcc/core'
import { z } from 'zod'
import type { AdminDeps, AdminEnv } from './context'
import { notFound } from './errors'
import { usageScope } from './usage-scope'
import { defineRoute, type RouteGroup } from './route-table'

/**
 * The request log (docs/contract.md §12): one entry per request with its attempts, filtered and
 * paged, and one request by its id. Tenants see their own account only.
 */

const time = z.string().describe('RFC 3339 UTC')
const isoTime = z.iso.datetime({ offset: true })

export const logsQuery = z.object({
  account_id: z.string().max(64).optional(),
  node_id: z.string().max(64).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  model: z.string().max(MODEL_ID_MAX).optional(),
  key_id: z.string().max(64).optional(),
  session_id: z.string().max(128).optional(),
  request_id: z.string().max(128).optional(),
  status: z
    .string()
    .regex(/^(?:2xx|4xx|5xx|error|\d{1,3})$/, 'one of 2xx, 4xx, 5xx, error, or a status code')
    .optional()
    .describe('2xx, 4xx, 5xx, error (not 2xx), or one status code'),
  refused: z.literal('true').optional().describe('true: only requests a limit refused'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
})

const attemptAnswer = z.object({
  node_id: z.string(),
  node_name: z.string().describe('the node’s name when it was tried'),
  picked_by: z.enum(PICKED_BY as [string, ...string[]]),
  started_at: time,
  status: z.number().int().nullable().describe('the upstream’s status; null: none arrived'),
  outcome: z.enum(TRACE_OUTCOMES as [string, ...string[]]),
  error_type: z.string().nullable(),
  error_message: z.string().nullable().describe('redacted, at most 200 characters'),
  ttfb_ms: z.number().nullable(),
  duration_ms: z.number(),
})

export const usageLogEntryAnswer = z.object({
  request_id: z.string(),
  account_id: z.string(),
  key_id: z.string(),
  key_name: z.string().nullable().describe('null: the key was deleted'),
  node_id: z.string().nullable().describe('the serving (or last tried) node; null: none reached'),
  node_name: z.string().nullable(),
  model: z.string().describe('the model the client asked for'),
  upstream_model: z
    .string()
    .nullable()
    .describe("sent upstream when the node's model_map rewrote it; null: not rewritten"),
  stream: z.boolean().nullable().describe('the request asked for a stream; null: not recorded'),
  priced_by: z
    .enum(PRICED_BY as [PricedBy, ...PricedBy[]])
    .nullable()
    .describe('how cost_usd was priced (docs/contract.md §15); null: not recorded'),
  status: z.number().int().describe('the status the client got; 0: none was sent'),
  success: z.boolean(),
  attempts: z.array(attemptAnswer).describe('the attempts in order (docs/contract.md §12)'),
  attempt_count: z.number().int(),
  session_id: z.string().nullable(),
  client_ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  refused: z.string().nullable().describe('the limit that refused it (`key.rpm`), else null'),
  refusal: z.string().nullable().describe('the refusal message the client got'),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cache_creation_input_tokens: z.number().int(),
  cache_read_input_tokens: z.number().int(),
  cost_usd: z.number(),
  ttfb_ms: z.number().nullable(),
  duration_ms: z.number(),
  bytes: z.number().int(),
  partial: z.boolean().describe('the stream ended early'),
  at: time,
})

export const usageLogsAnswer = z.object({
  logs: z.array(usageLogEntryAnswer),
  limit: z.number().int(),
  offset: z.number().int(),
  has_more: z.boolean().describe('more entries match beyond this page'),
})

type EntryAnswer = z.infer<typeof usageLogEntryAnswer>

/** A store entry as the API answers it. */
export function logEntryAnswer(e: UsageLogEntry): EntryAnswer {
  return {
    request_id: e.requestId,
    account_id: e.accountId,
    key_id: e.keyId,
    key_name: e.keyName,
    node_id: e.nodeId,
    node_name: e.nodeName,
    model: e.model,
    upstream_model: e.upstreamModel ?? null,
    stream: e.stream ?? null,
    priced_by: e.pricedBy ?? null,
    status: e.status,
    success: e.status >= 200 && e.status < 300,
    attempts: (e.trace ?? []).map((a) => ({
      node_id: a.nodeId,
      node_name: a.nodeName,
      picked_by: a.pickedBy,
      started_at: new Date(a.startedAt).toISOString(),
      status: a.status,
      outcome: a.outcome,
      error_type: a.errorType,
      error_message: a.errorMessage,
      ttfb_ms: a.ttfbMs,
      duration_ms: a.durationMs,
    })),
    attempt_count: e.attempts,
    session_id: e.sessionId,
    client_ip: e.clientIp ?? null,
    user_agent: e.userAgent ?? null,
    refused: e.refused ?? null,
    refusal: e.refusal ?? null,
    input_tokens: e.inputTokens,
    output_tokens: e.outputTokens,
    cache_creation_input_tokens: e.cacheCreationInputTokens,
    cache_read_input_tokens: e.cacheReadInputTokens,
    cost_usd: e.costUsd,
    ttfb_ms: e.ttfbMs,
    duration_ms: e.durationMs,
    bytes: e.bytes,
    partial: e.partial,
    at: e.at.toISOString(),
  }
}

function statusFilter(status: string | undefined): UsageStatusFilter | undefined {
  if (status === undefined) return undefined
  if (status === '2xx' || status === '4xx' || status === '5xx' || status === 'error') return status
  return Number(status)
}

/** `GET /usage/logs` and `GET /usage/logs/{request_id}`. */
export function usageLogRoutes(api: RouteGroup<AdminEnv>, deps: AdminDeps): void {
  const { store } = deps

  defineRoute(api, 'GET /usage/logs', {
    summary: 'One entry per request with its attempts, newest first',
    query: logsQuery,
    response: usageLogsAnswer,
    handler: async (c, { query: q }) => {
      const { accountId, nodeId, from, to } = await usageScope(c, deps, q)
      const filter = {
        accountId,
        nodeId,
        from,
        to,
        model: q.model,
        keyId: q.key_id,
        sessionId: q.session_id,
        requestId: q.request_id,
        status: statusFilter(q.status),
        refused: q.refused === 'true' ? true : undefined,
      }
      // One more than the page tells whether another page follows, without a count (the store
      // answers at most 1000 rows, so a full page of 1000 asks once more for the next row).
      const rows = await store.usageLogs({
        ...filter,
        limit: Math.min(q.limit + 1, 1000),
        offset: q.offset,
      })
      if (rows.length === q.limit && q.limit === 1000) {
        rows.push(...(await store.usageLogs({ ...filter, limit: 1, offset: q.offset + q.limit })))
      }
      return c.json({
        logs: rows.slice(0, q.limit).map(logEntryAnswer),
        limit: q.limit,
        offset: q.offset,
        has_more: rows.length > q.limit,
      })
    },
  })

  defineRoute(api, 'GET /usage/logs/:request_id', {
    summary: 'One request’s entry with its attempts; another tenant’s request is 404',
    response: usageLogEntryAnswer,
    handler: async (c) => {
      const me = c.get('account')
      const id = c.req.param('request_id') ?? ''
      const entry =
        id.length > 0 && id.length <= 128
          ? await store.usageLog(id, me.isAdmin ? undefined : me.id)
          : null
      if (!entry) throw notFound('request not found')
      return c.json(logEntryAnswer(entry))
    },
  })
}
