/**
 * Claude Code's identifiers: the per-run session id, the per-install device id, and
 * `metadata.user_id`, which carries both.
 */

/** Where random ids come from. Defaults to `globalThis.crypto` (Node 20+, browsers). */
export interface RandomSource {
  /** A random UUID v4. */
  randomUUID(): string
  /** Fills `bytes` with random values and returns it. */
  getRandomValues(bytes: Uint8Array): Uint8Array
}

/** {@link RandomSource} over `globalThis.crypto`; `randomUUID` falls back to `getRandomValues`. */
export const cryptoRandomSource: RandomSource = {
  randomUUID() {
    // randomUUID needs a secure context in browsers; getRandomValues does not.
    if (typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID()
    return uuidFromBytes(globalThis.crypto.getRandomValues(new Uint8Array(16)))
  },
  getRandomValues(bytes) {
    return globalThis.crypto.getRandomValues(bytes)
  },
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Formats 16 random bytes as a UUID v4 (sets the version and variant bits). */
export function uuidFromBytes(bytes: Uint8Array): string {
  const b = Uint8Array.from(bytes.subarray(0, 16))
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
  const h = hex(b)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** A new device id: 64 hex characters, as Claude Code keeps in its config. */
export function newDeviceId(random: RandomSource = cryptoRandomSource): string {
  return hex(random.getRandomValues(new Uint8Array(32)))
}

/** The parts of `metadata.user_id`. */
export interface UserIdParts {
  deviceId: string
  /** Empty for API key users (Claude Code sends `""`). */
  accountUuid: string
  sessionId: string
}

/**
 * `metadata.user_id` in Claude Code's current format: a JSON string
 * `{"device_id":"<64 hex>","account_uuid":"","session_id":"<uuid>"}`.
 */
export function formatUserId(parts: UserIdParts): string {
  return JSON.stringify({
    device_id: parts.deviceId,
    account_uuid: parts.accountUuid,
    session_id: parts.sessionId,
  })
}

const LEGACY_USER_ID = /^user_([0-9a-f]{64})_account_([0-9a-f-]*)_session_([0-9a-f-]{36})$/i

/**
 * Reads a `metadata.user_id` in the current JSON format or the older
 * `user_<hash>_account_<uuid>_session_<uuid>` one; `undefined` for anything else.
 */
export function parseUserId(userId: string): UserIdParts | undefined {
  const legacy = LEGACY_USER_ID.exec(userId)
  if (legacy) {
    return { deviceId: legacy[1] ?? '', accountUuid: legacy[2] ?? '', sessionId: legacy[3] ?? '' }
  }
  try {
    const parsed: unknown = JSON.parse(userId)
    if (typeof parsed !== 'object' || parsed === null) return undefined
    const { device_id, account_uuid, session_id } = parsed as Record<string, unknown>
    if (typeof device_id !== 'string' || typeof session_id !== 'string') return undefined
    return {
      deviceId: device_id,
      accountUuid: typeof account_uuid === 'string' ? account_uuid : '',
      sessionId: session_id,
    }
  } catch {
    return undefined
  }
}
