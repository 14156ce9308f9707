/** Live event streams one login session may hold (docs/contract.md §9); a new one closes the oldest. */
export const MAX_STREAMS_PER_SESSION = 5

interface SessionEntry {
  /** Oldest first; each closes its stream. */
  streams: Array<() => void>
  timer: NodeJS.Timeout
}

/**
 * The console's live streams grouped by login session. A session holds at most
 * {@link MAX_STREAMS_PER_SESSION}; opening another closes its oldest. Whether the session is
 * still live (logout, password change, account disabled, on any replica) is checked once per
 * interval per session, not per stream, so more tabs do not mean more store reads.
 */
export class SessionStreams {
  private readonly sessions = new Map<string, SessionEntry>()

  constructor(
    /** False once the session is gone; a throwing check (store down) keeps the streams. */
    private readonly isLive: (sessionId: string) => Promise<boolean>,
    private readonly checkMs: number,
    private readonly max = MAX_STREAMS_PER_SESSION,
  ) {}

  /** Registers a stream of `sessionId`; `close` ends it. @returns unregisters it (idempotent) */
  add(sessionId: string, close: () => void): () => void {
    let entry = this.sessions.get(sessionId)
    if (!entry) {
      const timer = setInterval(() => void this.check(sessionId), this.checkMs)
      timer.unref()
      entry = { streams: [], timer }
      this.sessions.set(sessionId, entry)
    }
    entry.streams.push(close)
    while (entry.streams.length > this.max) entry.streams.shift()?.()
    return () => this.remove(sessionId, close)
  }

  /** Streams open for a session (for tests and metrics). */
  count(sessionId: string): number {
    return this.sessions.get(sessionId)?.streams.length ?? 0
  }

  private remove(sessionId: string, close: () => void): void {
    const entry = this.sessions.get(sessionId)
    if (!entry) return
    const i = entry.streams.indexOf(close)
    if (i >= 0) entry.streams.splice(i, 1)
    if (entry.streams.length === 0) {
      clearInterval(entry.timer)
      this.sessions.delete(sessionId)
    }
  }

  private async check(sessionId: string): Promise<void> {
    let live: boolean
    try {
      live = await this.isLive(sessionId)
    } catch {
      return
    }
    const entry = this.sessions.get(sessionId)
    if (live || !entry) return
    clearInterval(entry.timer)
    this.sessions.delete(sessionId)
    for (const close of entry.streams) close()
  }
}
