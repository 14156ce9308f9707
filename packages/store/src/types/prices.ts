/** Price of a model, USD per million tokens (kept to 6 decimals). */
export interface PriceRecord {
  model: string
  inputPerMTok: number
  outputPerMTok: number
  cacheWrite5mPerMTok: number
  cacheWrite1hPerMTok: number
  cacheReadPerMTok: number
  updatedAt: Date
}

/** Input of `upsertPrice` and of the price seed. */
export type PriceInput = Omit<PriceRecord, 'updatedAt'>
