// Shared test fixtures (not part of the package): a fake clock, a seeded random source and a
// three-node pool, after caddy's testPool().
import { initialHealth } from '../health/health-record'
import type { Clock, NodeConfig, NodeHealth, PoolEntry } from '../types'

export interface FakeClock extends Clock {
  advance(ms: number): void
  set(ms: number): void
}

export function fakeClock(start = 1_000_000): FakeClock {
  let t = start
  return {
    now: () => t,
    advance: (ms) => {
      t += ms
    },
    set: (ms) => {
      t = ms
    },
  }
}

/** Deterministic PRNG (mulberry32) so tie-breaks are reproducible. */
export function seededRandom(seed = 42): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function node(id: string, over: Partial<NodeConfig> = {}): NodeConfig {
  return {
    id,
    accountId: 'acme',
    name: id,
    baseUrl: `https://${id}.example`,
    weight: 1,
    disabled: false,
    healthCheckMethod: 'api',
    ...over,
  }
}

export function entry(
  id: string,
  over: Partial<NodeConfig> = {},
  health: Partial<NodeHealth> = {},
): PoolEntry {
  return { node: node(id, over), health: { ...initialHealth(over.disabled), ...health } }
}

/** Three healthy nodes of tenant `acme`, weight 1. */
export function testPool(): PoolEntry[] {
  return [entry('a'), entry('b'), entry('c')]
}

/** The value, or a thrown error when it is missing (tests may not use `!`). */
export function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value')
  return value
}
