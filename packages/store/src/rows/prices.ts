import { MODEL_ID_MAX } from '@qcc/core'
import { StoreError } from '../errors'
import type { PriceInput, PriceRecord } from '../types/prices'

/** The five rates of a price, in a fixed order. */
export const PRICE_FIELDS = [
  'inputPerMTok',
  'outputPerMTok',
  'cacheWrite5mPerMTok',
  'cacheWrite1hPerMTok',
  'cacheReadPerMTok',
] as const

/**
 * A price row from checked input: a model id and five non-negative rates (USD per MTok) rounded
 * to 6 decimals. @throws StoreError `invalid`
 */
export function newPriceRow(p: PriceInput, updatedAt: Date): PriceRecord {
  if (typeof p?.model !== 'string' || p.model === '' || p.model.length > MODEL_ID_MAX) {
    throw new StoreError('invalid', `price needs a model id of at most ${MODEL_ID_MAX} characters`)
  }
  const out = { model: p.model, updatedAt } as PriceRecord
  for (const f of PRICE_FIELDS) {
    const v = p[f]
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1e6) {
      throw new StoreError('invalid', `price.${f} must be a number from 0 to 999999`)
    }
    out[f] = Math.round(v * 1e6) / 1e6
  }
  return out
}
