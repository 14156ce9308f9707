import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { Readable } from 'node:stream'
import {
  classifyUpstreamOutcome,
  type Attempt,
  type AttemptOutcome,
  type FinalError,
} from '@qcc/core'
import type { UpstreamClient, UpstreamRequest, UpstreamResponse } from '../src/data-path/upstream'
import type {
  UsageRecorder,
  UsageRequestInfo,
  UsageResult,
  UsageTap,
} from '../src/data-path/usage-tap'
import type { RequestPlan, RouteTarget } from '../src/routing/types'

/**
 * Fakes of the data path's seams (routing, the upstream client, the usage tap) for its unit
 * tests, and a loopback server to run a handler on a real Node request and response.
 */

/** A loopback HTTP server whose requests `handler` answers; `close` also ends open sockets. */
export async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => void handler(req, res))
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A route target for node `name` (its id is `id-<name>`), as routing would hand it out. */
export function target(name: string, overrides: Partial<RouteTarget> = {}): RouteTarget {
  const attempt: Attempt = {
    index: 0,
    node: {
      id: `id-${name}`,
      accountId: 'acct-1',
      name,
      baseUrl: `https://${name}.example`,
      weight: 1,
      disabled: false,
      healthCheckMethod: 'api',
    },
    reason: 'least_in_flight',
    lastResort: false,
    startedAt: 0,
  }
  return {
    nodeId: attempt.node.id,
    name,
    baseUrl: attempt.node.baseUrl,
    apiKey: `sk-ant-${name}-node-key`,
    authHeader: undefined,
    extraHeaders: null,
    allowPrivate: false,
    lastResort: false,
    attempt,
    ...overrides,
  }
}

export interface ScriptedPlan extends RequestPlan {
  /** Every report, in order: the node's name and core's outcome. */
  readonly reports: Array<{ node: string; outcome: AttemptOutcome }>
  readonly doneCalls: number
}

/** A plan handing out `targets` in order; `passThrough` is its verdict on every report. */
export function scriptedPlan(
  targets: RouteTarget[],
  options: { passThrough?: boolean; final?: FinalError; remainingMs?: number } = {},
): ScriptedPlan {
  const queue = [...targets]
  const reports: ScriptedPlan['reports'] = []
  let doneCalls = 0
  return {
    sessionId: undefined,
    reports,
    get doneCalls() {
      return doneCalls
    },
    next: () => queue.shift(),
    remainingMs: () => options.remainingMs ?? 600_000,
    report(t, outcome) {
      reports.push({ node: t.name, outcome })
      // Core's verdict on whether the answer may be committed (a fake 200 may not).
      const commit = classifyUpstreamOutcome(outcome, { now: 0 }).result === 'success'
      return { commit, passThrough: options.passThrough ?? false }
    },
    finalError: () =>
      options.final ?? { status: 502, errorType: 'api_error', message: 'every node failed' },
    settle: () => undefined,
    trace: [],
    done: () => void doneCalls++,
  }
}

/** A body stream of the given chunks (bytes, not objects). */
export function bodyOf(...chunks: Array<string | Buffer>): Readable {
  return Readable.from(
    chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)),
    { objectMode: false },
  )
}

/** One scripted answer: a response, an error `send` rejects with, or a function of the request. */
export type ScriptedAnswer =
  | { status: number; headers?: Record<string, string>; body?: Readable }
  | { error: Error & { code?: string } }
  | ((req: UpstreamRequest) => Promise<UpstreamResponse>)

/** An upstream client answering each `send` with the next scripted answer; records the requests. */
export function scriptedUpstream(
  answers: ScriptedAnswer[],
): UpstreamClient & { requests: UpstreamRequest[] } {
  const queue = [...answers]
  const requests: UpstreamRequest[] = []
  return {
    requests,
    async send(req) {
      requests.push(req)
      const answer = queue.shift()
      if (answer === undefined) throw new Error('no scripted answer left')
      if (typeof answer === 'function') return answer(req)
      if ('error' in answer) throw answer.error
      const body = answer.body ?? bodyOf()
      // As the real client does: a late error between two readers is not a crash.
      body.on('error', () => {})
      return { statusCode: answer.status, headers: answer.headers ?? {}, body }
    },
    close: async () => {},
  }
}

export interface RecordingUsage extends UsageTap {
  readonly began: UsageRequestInfo[]
  readonly commits: boolean[]
  /** Resolves with the result of the next request to finish. */
  nextFinish(): Promise<UsageResult>
}

/** A usage tap that records what the data path tells it. */
export function recordingUsage(): RecordingUsage {
  const began: UsageRequestInfo[] = []
  const commits: boolean[] = []
  const waiters: Array<(result: UsageResult) => void> = []
  return {
    began,
    commits,
    nextFinish: () => new Promise((resolve) => waiters.push(resolve)),
    begin(info): UsageRecorder {
      began.push(info)
      // Enough of the real tap's reading for the loop: whether `message_stop` went by.
      let seen = ''
      return {
        startedAt: info.startedAt,
        overflowed: false,
        errorType: null,
        sawErrorEvent: false,
        get complete() {
          return seen.includes('message_stop')
        },
        onCommit: (isSse) => void commits.push(isSse),
        onChunk: (chunk) => {
          if (!seen.includes('message_stop')) seen = (seen + chunk.toString('latin1')).slice(-64)
        },
        finish: (result) => waiters.shift()?.({ ...result }),
      }
    },
  }
}
