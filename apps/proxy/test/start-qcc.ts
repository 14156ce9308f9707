import { loadEnv, startQcc, type RunningQcc, type StartOptions } from '../src/index'

/**
 * Starts the real server on 127.0.0.1:0 in memory mode, silent, with env overrides and runtime
 * options (a logger to capture lines, a shorter lease).
 */
export async function startTestQcc(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<RunningQcc> {
  return startQcc(
    loadEnv({
      LISTEN_ADDR: '127.0.0.1:0',
      LOG_LEVEL: 'silent',
      PROXY_DRAIN_TIMEOUT_SEC: '1',
      ...env,
    }),
    options,
  )
}

export const MESSAGE_BODY = {
  model: 'claude-sonnet-4-6',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hi' }],
}
