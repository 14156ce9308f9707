import type { KeyStatus } from './limits'

/** Why `/key/status` did not answer: an unknown key (401), too many failed lookups (429), other. */
export type KeyStatusErrorCode = 'unknown_key' | 'throttled' | 'failed'

export class KeyStatusError extends Error {
  override name = 'KeyStatusError'
  constructor(
    readonly code: KeyStatusErrorCode,
    readonly status: number,
    message: string,
    /** Whole seconds from `retry-after`, on 429. */
    readonly retryAfterSec?: number,
  ) {
    super(message)
  }
}

const codeOf = (status: number): KeyStatusErrorCode =>
  status === 401 ? 'unknown_key' : status === 429 ? 'throttled' : 'failed'

/** The server's message from either error shape: the admin API's or Anthropic's. */
function messageOf(body: unknown, status: number): string {
  const err = (body as { error?: unknown } | null)?.error
  if (typeof err === 'string') return err
  const nested = (err as { message?: unknown } | undefined)?.message
  return typeof nested === 'string' ? nested : `HTTP ${status}`
}

/**
 * The key holder's own endpoint, `GET /key/status` (docs/contract.md §10). It is not the admin
 * API: no session, the key goes as `x-api-key` and lives only in the caller's memory, and a 401
 * here means an unknown key, not an ended session, so it has its own transport.
 */
export function keyStatusApi(fetchFn: typeof fetch = (...a) => fetch(...a)) {
  return {
    get: async (key: string): Promise<KeyStatus> => {
      const res = await fetchFn('/key/status', {
        headers: { accept: 'application/json', 'x-api-key': key },
        // The key must not end up in a cache or be sent along as a referrer.
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
      })
      const body: unknown = await res.json().catch(() => null)
      if (res.ok) return body as KeyStatus
      const retry = Number(res.headers.get('retry-after'))
      throw new KeyStatusError(
        codeOf(res.status),
        res.status,
        messageOf(body, res.status),
        Number.isFinite(retry) && retry > 0 ? Math.ceil(retry) : undefined,
      )
    },
  }
}
export type KeyStatusApi = ReturnType<typeof keyStatusApi>
