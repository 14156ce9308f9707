/**
 * Model prices, USD per million tokens, from Anthropic's public pricing
 * (https://platform.claude.com/docs/en/about-claude/pricing and the model overview pages), as of
 * 2026-11-27. Covers every model id of `@anthropic-ai/sdk` 1.14.0's `Model` union. The store
 * seeds its price table from this list; operators edit prices there afterwards.
 *
 * To update: change the rows below, nothing else. Cache writes are 1.25x (5 min) and 2x (1 h)
 * the input price and cache reads 0.1x, except where a row says otherwise.
 */

/** Price of one model, USD per million tokens (field names match the store's `PriceInput`). */
export interface ModelPrice {
  readonly model: string
  readonly inputPerMTok: number
  readonly outputPerMTok: number
  readonly cacheWrite5mPerMTok: number
  readonly cacheWrite1hPerMTok: number
  readonly cacheReadPerMTok: number
  /**
   * Rates applied to the whole request when its prompt (input + cache writes + cache reads) is
   * longer than `thresholdTokens` (Claude Haiku 5.5 bills prompts over 100 000 tokens at 5x).
   */
  readonly longPrompt?: Omit<ModelPrice, 'model' | 'longPrompt'> & {
    readonly thresholdTokens: number
  }
  /** End-of-life date (YYYY-MM-DD) of a deprecated model, per the SDK's deprecation list. */
  readonly endOfLife?: string
}

type Rates = Omit<ModelPrice, 'model' | 'longPrompt' | 'endOfLife'>

// The standard multipliers; rows with other cache-read rates spell them out.
const standard = (input: number, output: number, cacheRead = input / 10): Rates => ({
  inputPerMTok: input,
  outputPerMTok: output,
  cacheWrite5mPerMTok: input * 1.25,
  cacheWrite1hPerMTok: input * 2,
  cacheReadPerMTok: cacheRead,
})

const row = (model: string, rates: Rates, extra: Partial<ModelPrice> = {}): ModelPrice => ({
  model,
  ...rates,
  ...extra,
})

const FABLE_5_2 = standard(8, 40, 0.2)
const FABLE_5_1 = standard(10, 50, 0.25)
const FABLE_5 = standard(10, 50, 1)
const OPUS_5_5 = standard(4, 20, 0.2)
const OPUS = standard(5, 25)
const SONNET_5 = standard(2, 10)
const SONNET_4 = standard(3, 15)
const HAIKU_4_5 = standard(1, 5)

/** Every priced model, newest first. */
export const PRICES: readonly ModelPrice[] = [
  row('claude-fable-5-2', FABLE_5_2),
  // Mythos models share their Fable sibling's pricing (limited availability).
  row('claude-mythos-5-2', FABLE_5_2),
  row('claude-haiku-5-5', standard(0.1, 0.5, 0.01), {
    longPrompt: { ...standard(0.5, 2.5, 0.05), thresholdTokens: 100_000 },
  }),
  // Sonnet 5.5 cache reads were cut to $0.10 on 2026-10-07.
  row('claude-sonnet-5-5', standard(2, 10, 0.1)),
  row('claude-fable-5-1', FABLE_5_1),
  row('claude-opus-5-5', OPUS_5_5),
  row('claude-mythos-5-1', FABLE_5_1),
  row('claude-sonnet-5', SONNET_5),
  row('claude-fable-5', FABLE_5),
  row('claude-mythos-5', FABLE_5),
  row('claude-opus-5', OPUS),
  row('claude-opus-4-8', OPUS),
  row('claude-opus-4-7', OPUS),
  // Past its end of life; kept so old usage rows still price.
  row('claude-mythos-preview', standard(25, 125), { endOfLife: '2026-06-30' }),
  row('claude-opus-4-6', OPUS),
  row('claude-sonnet-4-6', SONNET_4),
  row('claude-haiku-4-5', HAIKU_4_5),
  row('claude-haiku-4-5-20251001', HAIKU_4_5),
  row('claude-opus-4-5', OPUS, { endOfLife: '2027-01-22' }),
  row('claude-opus-4-5-20251101', OPUS, { endOfLife: '2027-01-22' }),
  row('claude-sonnet-4-5', SONNET_4, { endOfLife: '2026-11-30' }),
  row('claude-sonnet-4-5-20250929', SONNET_4, { endOfLife: '2026-11-30' }),
]

/** Default model for generated requests (`qcc message`, settings generator): current, not deprecated. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5'

/** Default model of `api` / `count_tokens` health probes: the cheapest current model. */
export const DEFAULT_PROBE_MODEL = 'claude-haiku-5-5'
