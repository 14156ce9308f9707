import type { EffectiveSettings } from '@qcc/core'
import type { Env } from '../env'

/**
 * The process-wide values of the per-account settings, from env, in core's names and units: what
 * an account's unset override falls back to (core's `effectiveSettings` applies them).
 */
export function envSettings(env: Env): EffectiveSettings {
  return {
    retryMax: env.PROXY_RETRY_MAX,
    failThreshold: env.PROXY_FAIL_THRESHOLD,
    healthIntervalMs: env.PROXY_HEALTH_INTERVAL_SEC * 1000,
    stickyTtlMs: env.PROXY_STICKY_TTL_SEC * 1000,
  }
}
