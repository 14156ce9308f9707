import { randomUUID } from 'node:crypto'
import type { LimitWindows } from '@qcc/core'
import type { LimitCounters } from '../src/limits/counters'
import type { Logger } from '../src/observability/logger'
import { connectRedis, type RedisLink } from '../src/redis/connection'

/** The machine's Redis; tests never stop it, they cut a relay in front of it instead. */
export const REDIS_URL = 'redis://127.0.0.1:6379/0'

/** A prefix of its own for one test file, so runs and files never see each other's keys. */
export function testPrefix(): string {
  return `qcctest:${randomUUID().slice(0, 8)}:`
}

export interface LogLine {
  level: 'warn' | 'info'
  fields: Record<string, unknown>
  message: string
}

/** A logger that keeps its lines for assertions. */
export function captureLogger(): { logger: Pick<Logger, 'warn' | 'info'>; lines: LogLine[] } {
  const lines: LogLine[] = []
  const at =
    (level: LogLine['level']) =>
    (fields: Record<string, unknown>, message: string): void =>
      void lines.push({ level, fields, message })
  return { logger: { warn: at('warn'), info: at('info') } as never, lines }
}

/** A link to the machine's Redis (or `url`) that is up before the test goes on. */
export async function upLink(
  prefix: string,
  url = REDIS_URL,
  extra: { maxRetryDelayMs?: number } = {},
): Promise<RedisLink> {
  const link = connectRedis({ url, prefix, logger: captureLogger().logger, ...extra })
  if (!(await link.whenUp(5000))) throw new Error(`redis at ${url} is not up`)
  return link
}

/** Deletes every key under `prefix` (bounded: SCAN in pages of 500, at most 1000 pages). */
export async function dropKeys(link: RedisLink, prefix: string): Promise<number> {
  let cursor = '0'
  let dropped = 0
  for (let page = 0; page < 1000; page++) {
    const [next, keys] = await link.client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    if (keys.length > 0) dropped += await link.client.del(...keys)
    cursor = next
    if (cursor === '0') break
  }
  return dropped
}

/**
 * Stand-in for the in-process counters behind the Redis ones: every cost window of a subject is
 * its total recorded plus seeded spend; it refuses a check at or over its cap.
 */
export function fakeFallback(): {
  counters: LimitCounters
  spent: Map<string, number>
  calls: { admit: number; record: number; seed: number }
} {
  const spent = new Map<string, number>()
  const calls = { admit: 0, record: 0, seed: 0 }
  const of = (scope: string, id: string) => spent.get(`${scope}:${id}`) ?? 0
  const counters: LimitCounters = {
    admit(_requestId, checks) {
      calls.admit++
      const index = checks.findIndex((c) => of(c.scope, c.subjectId) >= c.cap)
      return index < 0 ? { ok: true } : { ok: false, index }
    },
    release() {},
    record(subjects, usage) {
      calls.record++
      for (const s of subjects) spent.set(`${s.scope}:${s.id}`, of(s.scope, s.id) + usage.costUsd)
    },
    async windows(checks) {
      const out: LimitWindows = {}
      for (const c of checks) out[c.limit] = { used: of(c.scope, c.subjectId), limit: c.cap }
      return out
    },
    seedSpend(subject, spend) {
      calls.seed++
      spent.set(
        `${subject.scope}:${subject.id}`,
        Math.max(of(subject.scope, subject.id), spend.total),
      )
    },
    degraded: false,
    async close() {},
  }
  return { counters, spent, calls }
}
