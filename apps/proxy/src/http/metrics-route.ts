import { timingSafeEqual } from 'node:crypto'
import type { Hono } from 'hono'
import type { Registry } from 'prom-client'

/**
 * `GET /metrics` in Prometheus text. Open by default (scrapers rarely log in); with
 * `PROXY_METRICS_TOKEN` set it needs `Authorization: Bearer <token>`.
 */
export function mountMetrics(
  app: Hono,
  registry: () => Promise<Registry>,
  token: string | undefined,
): void {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined
  app.get('/metrics', async (c) => {
    if (expected) {
      const given = Buffer.from(c.req.header('authorization') ?? '')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return c.json({ error: 'metrics need a bearer token' }, 401)
      }
    }
    const r = await registry()
    return c.body(await r.metrics(), 200, { 'content-type': r.contentType })
  })
}
