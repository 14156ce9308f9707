/** Options of `retention`. */
export interface RetentionOptions {
  /** Raw usage rows older than this are deleted (rollups are kept). */
  usageRawDays: number
  /** Health-check rows older than this are deleted. */
  healthDays: number
  /**
   * Minute rollups older than this are deleted (hour and day rollups are kept). Default: kept.
   * At least 1 (spend windows of 5 hours are seeded from them).
   * Summaries whose range edges fall in that older period are then exact to the hour only.
   */
  minuteRollupDays?: number
}

/** What `retention` removed. */
export interface RetentionResult {
  usageEvents: number
  healthChecks: number
  sessions: number
  minuteRollups: number
  /** Expired one-time download links (used or not). */
  downloadLinks: number
}
