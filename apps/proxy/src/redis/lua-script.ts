import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

/**
 * A Lua script run by its SHA1 (EVALSHA), sent whole (EVAL) only when the server does not know it
 * yet: after a Redis restart, a failover or a `SCRIPT FLUSH`. Scripts get every key in KEYS and
 * take their clock as an argument (never `TIME`), so they stay deterministic and testable.
 */
export class LuaScript {
  readonly sha: string

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex')
  }

  /** Runs the script with `keys` as KEYS and `args` as ARGV. */
  async run(
    client: Redis,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return await client.eval(this.source, keys.length, ...keys, ...args)
    }
  }
}
