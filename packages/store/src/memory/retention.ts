import type { RetentionStore } from '../interface'
import { retentionCutoffs } from '../rows/retention'
import type { Mem } from './state'

/** Deletes the entries of `map` that `expired` picks; returns how many. */
function sweep<V>(map: Map<string, V>, expired: (value: V) => boolean): number {
  let n = 0
  for (const [k, v] of map) if (expired(v)) n += Number(map.delete(k))
  return n
}

/** Retention of the memory adapter (batch ids are all forgotten: one process, no ambiguity). */
export function memoryRetention(m: Mem): RetentionStore {
  const { state, ctx } = m
  return {
    async retention(o) {
      const cut = retentionCutoffs(ctx.clock.now(), o)
      const usageEvents = sweep(state.usage, (e) => e.at.getTime() < cut.usage)
      const before = state.health.length
      state.health = state.health.filter((h) => h.at.getTime() >= cut.health)
      const sessions = sweep(state.sessions, (s) => s.expiresAt.getTime() <= cut.now)
      const minuteCut = cut.minuteRollups
      const minuteRollups =
        minuteCut === null
          ? 0
          : sweep(state.rollups, (r) => r.bucket === 'minute' && r.start < minuteCut)
      const downloadLinks = sweep(state.downloads, (d) => d.expiresAt.getTime() <= cut.now)
      state.batches.clear()
      const healthChecks = before - state.health.length
      return { usageEvents, healthChecks, sessions, minuteRollups, downloadLinks }
    },
  }
}
