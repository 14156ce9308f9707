import { randomBytes } from 'node:crypto'
import type { Clock } from '@qcc/core'
import { afterEach, describe } from 'vitest'
import type { ScryptParams } from '../../src/crypto/password'
import type { Store } from '../../src/interface'
import type { PriceInput } from '../../src/types/prices'
import type { UsageEvent } from '../../src/types/usage'
import type { UsageWriterOptions } from '../../src/usage/writer'

/** Options a contract test may ask a harness for. */
export interface OpenOptions {
  clock?: Clock
  usage?: UsageWriterOptions
  seedPrices?: readonly PriceInput[]
  /** The store's scrypt cost (default the cheap {@link TEST_SCRYPT}). */
  passwordHash?: ScryptParams
}

/** Options of a second store on the same data. */
export interface ReopenOptions {
  secretKey?: Uint8Array
  pollIntervalMs?: number
}

/**
 * How the contract suite drives one adapter. `open` gives an empty store; the optional parts
 * are what only a shared database can do.
 */
export interface ContractHarness {
  /** An empty store (previous data wiped). */
  open(options?: OpenOptions): Promise<Store>
  /** A second store on the same data as the last `open` (MySQL only). */
  reopen?(options: ReopenOptions): Promise<Store>
  /** Everything the store holds, as text (to look for leaked secrets). */
  dump(store: Store): Promise<string>
  /** Makes usage writes of `store` fail (true) or work again (false). */
  setDown(store: Store, down: boolean): Promise<void>
  /** Reads and writes a node row behind the store's back (to prove a moved sealed key fails). */
  nodeRow: RawNodeRow
}

/** The columns of a node row that bind its sealed key and extra headers, as stored. */
export interface RawNodeRow {
  get(
    store: Store,
    id: string,
  ): Promise<{ sealedKey: string | null; baseUrl: string; sealedHeaders: string | null }>
  set(
    store: Store,
    id: string,
    patch: { sealedKey?: string | null; baseUrl?: string },
  ): Promise<void>
}

/**
 * Opens stores for the tests of one block and closes them after each test, so a failing test
 * leaves no open pool behind. `reopen` falls back to the first store where the harness has no
 * shared data (memory).
 */
export function storesOf(h: ContractHarness) {
  let open: Store[] = []
  afterEach(async () => {
    await Promise.all(open.map((s) => s.close().catch(() => undefined)))
    open = []
  })
  const kept = (s: Store) => {
    open.push(s)
    return s
  }
  return {
    open: async (options?: OpenOptions) => kept(await h.open(options)),
    /** A second store on the same data, or `first` itself without a shared database. */
    reopen: async (first: Store, options: ReopenOptions = {}) =>
      h.reopen ? kept(await h.reopen(options)) : first,
  }
}

/** The store opener {@link storesOf} gives. */
export type Stores = ReturnType<typeof storesOf>

/**
 * One entity's part of the contract: a describe block whose tests open stores through `stores`
 * (closed after each test).
 */
export function contractPart(title: string, tests: (stores: Stores, h: ContractHarness) => void) {
  return (h: ContractHarness): void => {
    describe(title, () => tests(storesOf(h), h))
  }
}

/** The secret key every harness opens with. */
export const TEST_SECRET_KEY = new Uint8Array(randomBytes(32))

/** Cheap scrypt cost for tests (the default stays OWASP). */
export const TEST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 }

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  ms: number
  constructor(start = Date.UTC(2026, 0, 15, 10, 30, 0)) {
    this.ms = start
  }
  now(): number {
    return this.ms
  }
  advance(ms: number): void {
    this.ms += ms
  }
}

let seq = 0

/** A usage event with every field filled; override what the test cares about. */
export function usageEvent(over: Partial<UsageEvent> & Pick<UsageEvent, 'accountId'>): UsageEvent {
  return {
    requestId: `req-${process.pid}-${++seq}-${randomBytes(4).toString('hex')}`,
    keyId: 'key-1',
    nodeId: null,
    model: 'claude-sonnet-4-5',
    status: 200,
    attempts: 1,
    inputTokens: 10,
    outputTokens: 20,
    cacheCreationInputTokens: 3,
    cacheCreation5mTokens: 2,
    cacheCreation1hTokens: 1,
    cacheReadInputTokens: 4,
    costUsd: 0.000123,
    ttfbMs: 100,
    durationMs: 500,
    bytes: 1000,
    sessionId: null,
    partial: false,
    at: new Date(Date.UTC(2026, 0, 15, 10, 30, 0)),
    ...over,
  }
}

/** Polls `check` every 50 ms until it is true or `timeoutMs` passes. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`condition not met within ${timeoutMs} ms`)
}

/** A healthy node state (what a CAS writes for a node that never failed). */
export function healthy() {
  return {
    status: 'healthy' as const,
    coolingUntil: null,
    failReason: null,
    consecutiveFailures: 0,
    lastFailureAt: null,
    lastSuccessAt: null,
    lastProbeAt: null,
  }
}
