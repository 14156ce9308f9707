import { StoreError } from './errors'
import type { HealthCheckInput, PriceInput } from './types/extras'

const PRICE_FIELDS = [
  'inputPerMTok',
  'outputPerMTok',
  'cacheWrite5mPerMTok',
  'cacheWrite1hPerMTok',
  'cacheReadPerMTok',
] as const

/** Checks a price row: a model id and five non-negative prices (USD per MTok, 6 decimals). */
export function checkPrice(p: PriceInput): PriceInput {
  if (typeof p?.model !== 'string' || p.model === '' || p.model.length > 128) {
    throw new StoreError('invalid', 'price needs a model id of at most 128 characters')
  }
  const out = { model: p.model } as PriceInput
  for (const f of PRICE_FIELDS) {
    const v = p[f]
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1e6) {
      throw new StoreError('invalid', `price.${f} must be a number from 0 to 999999`)
    }
    out[f] = Math.round(v * 1e6) / 1e6
  }
  return out
}

/** Checks a health-check row and truncates its error text to 1000 characters. */
export function checkHealthCheck(h: HealthCheckInput): HealthCheckInput {
  if (!h?.nodeId || !h.accountId || !(h.at instanceof Date)) {
    throw new StoreError('invalid', 'health check needs nodeId, accountId and at')
  }
  return {
    ...h,
    ok: Boolean(h.ok),
    latencyMs: h.latencyMs ?? null,
    status: h.status ?? null,
    error: h.error ? String(h.error).slice(0, 1000) : null,
    method: String(h.method ?? '').slice(0, 20),
    source: h.source ?? 'scheduled',
  }
}

/** A channel config must be a plain object. */
export function checkChannelConfig(config: unknown): Record<string, unknown> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new StoreError('invalid', 'channel config must be an object')
  }
  return config as Record<string, unknown>
}

/** AAD binding a sealed channel config to its channel. */
export const channelAad = (id: string): string => `channel:${id}`

/** AAD of the sealed tunnel API token. */
export const TUNNEL_AAD = 'tunnel:api_token'

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000
