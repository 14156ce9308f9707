import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { adminApp, type AdminApp } from '../../test/admin-app'
import { deliveriesAnswer } from '../notify/route-schemas'
import {
  auditAnswer,
  claudeConfigAnswer,
  createdShareAnswer,
  envAnswer,
  healthHistoryAnswer,
  priceAnswer,
  pricingAnswer,
  rotatedKeyAnswer,
  sharedMonitorAnswer,
  sharesAnswer,
  usageSeriesAnswer,
} from './responses'
import { usageLogEntryAnswer, usageLogsAnswer } from './usage-logs'

let admin: AdminApp
let cookie: string
let accountId: string
let keyId: string

beforeAll(async () => {
  admin = await adminApp()
  cookie = await admin.login()
  const { store } = admin
  accountId = (
    (await (await admin.request('GET', '/admin/api/me', cookie)).json()) as { id: string }
  ).id
  const node = await store.createNode({ accountId, name: 'a', baseUrl: 'https://upstream.test' })
  keyId = (await store.createProxyKey({ accountId, name: 'k' })).key.id
  const at = new Date(Date.now() - 60_000)
  store.usageWriter.enqueue({
    requestId: 'req_1',
    accountId,
    keyId,
    nodeId: node.id,
    model: 'claude-sonnet-4-5',
    status: 200,
    attempts: 1,
    inputTokens: 10,
    outputTokens: 20,
    cacheCreationInputTokens: 0,
    cacheCreation5mTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadInputTokens: 0,
    costUsd: 0.001,
    ttfbMs: null,
    durationMs: 120,
    bytes: 300,
    sessionId: null,
    partial: false,
    at,
  })
  await store.usageWriter.flush()
  await store.recordHealthCheck({
    accountId,
    nodeId: node.id,
    at,
    ok: false,
    latencyMs: null,
    status: 503,
    error: 'upstream 503',
    method: 'models',
    source: 'scheduled',
  })
  // A delivery as the notifier records it: no actor, the outcome in `detail`.
  await store.appendAudit({
    actorId: null,
    accountId,
    action: 'notification.delivery',
    targetType: 'notification_channel',
    targetId: 'ch_1',
    detail: { event_type: 'test', ok: false, attempts: 1, status: null, error: 'refused' },
  })
})
afterAll(() => admin.close())

/** Parses the answer with its schema: what the schema drops or refuses fails the comparison. */
async function expectAnswer(schema: z.ZodType, res: Response | Promise<Response>, status = 200) {
  const answer = await res
  expect(answer.status).toBe(status)
  const body: unknown = await answer.json()
  expect(schema.parse(body)).toEqual(body)
  return body
}

describe('the answer schemas describe what the handlers answer, field for field', () => {
  const get = (path: string) => admin.request('GET', path, cookie)
  const send = (method: string, path: string, body: unknown) =>
    admin.request(method, path, cookie, body)

  it('usage logs and series, health history', async () => {
    const logs = (await expectAnswer(usageLogsAnswer, get('/admin/api/usage/logs'))) as {
      logs: unknown[]
    }
    expect(logs.logs).toHaveLength(1)
    const [entry] = logs.logs as [{ request_id: string }]
    await expectAnswer(usageLogEntryAnswer, get(`/admin/api/usage/logs/${entry.request_id}`))
    await expectAnswer(usageSeriesAnswer, get('/admin/api/usage/series?bucket=minute'))
    const health = (await expectAnswer(healthHistoryAnswer, get('/admin/api/health/history'))) as {
      checks: unknown[]
    }
    expect(health.checks).toHaveLength(1)
  })

  it('pricing, shares and the shared monitor, key rotation, settings.json, env, audit', async () => {
    await expectAnswer(
      priceAnswer,
      send('PUT', '/admin/api/pricing', {
        model: 'm',
        input_per_mtok: 1,
        output_per_mtok: 2,
        cache_write_5m_per_mtok: 3,
        cache_write_1h_per_mtok: 4,
        cache_read_per_mtok: 0.5,
      }),
    )
    await expectAnswer(pricingAnswer, get('/admin/api/pricing'))
    const share = (await expectAnswer(
      createdShareAnswer,
      send('POST', '/admin/api/shares', { expires_in: '1h' }),
      201,
    )) as { token: string }
    await expectAnswer(sharesAnswer, get('/admin/api/shares'))
    const monitor = (await expectAnswer(
      sharedMonitorAnswer,
      admin.request('GET', `/api/monitor/share/${share.token}`),
    )) as { nodes: unknown[] }
    expect(monitor.nodes).toHaveLength(1)
    await expectAnswer(rotatedKeyAnswer, send('POST', '/admin/api/keys/rotate', { id: keyId }))
    await expectAnswer(claudeConfigAnswer, send('POST', '/admin/api/claude-config', {}))
    await expectAnswer(envAnswer, get('/admin/api/env'))
    const audit = (await expectAnswer(auditAnswer, get('/admin/api/audit'))) as {
      entries: { actor_id: string | null }[]
    }
    expect(audit.entries.map((e) => e.actor_id)).toContain(null)
  })

  it('notification deliveries', async () => {
    const answer = (await expectAnswer(
      deliveriesAnswer,
      get('/admin/api/notifications/deliveries'),
    )) as { deliveries: unknown[] }
    expect(answer.deliveries).toEqual([expect.objectContaining({ channel_id: 'ch_1', ok: false })])
  })
})
