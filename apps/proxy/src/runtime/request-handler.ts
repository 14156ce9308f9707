import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../observability/logger'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

export interface RequestHandlerDeps {
  /** The `/v1/*` data path (data-path/v1-handler.ts). */
  handleV1: (req: IncomingMessage, res: ServerResponse) => Promise<void>
  /** `/healthz`, `/readyz`, `/version`; false for any other path (http/probe-routes.ts). */
  answerProbe: (req: IncomingMessage, res: ServerResponse) => boolean
  /** Builds the control plane (login, admin API, `/metrics`, console); called once, when needed. */
  loadControlPlane: () => Promise<Handler>
  logger: Logger
}

export interface RequestHandler {
  /** Answers one request: the data path, a probe, or the control plane. */
  handle: Handler
  /**
   * Resolves once no `/v1/*` request is running (each records its usage in its last step), or
   * after `timeoutMs`.
   */
  idle(timeoutMs: number): Promise<void>
}

/**
 * Sends each request where it belongs, counting live data-path requests for the drain. The
 * control plane is imported on its first request, so a replica that only proxies never loads
 * Hono, the admin routes or their schemas.
 */
export function createRequestHandler(deps: RequestHandlerDeps): RequestHandler {
  const { logger } = deps
  let controlPlane: Promise<Handler> | undefined
  const handleOther: Handler = (req, res) => {
    controlPlane ??= deps.loadControlPlane()
    controlPlane.then(
      (handle) => handle(req, res),
      (err: unknown) => {
        logger.error({ err }, 'control plane failed to load')
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
        res.end('{"error":"internal error"}')
      },
    )
  }
  let activeV1 = 0
  const idleWaiters: Array<() => void> = []
  return {
    handle(req, res) {
      const url = req.url ?? '/'
      if (url.startsWith('/v1/') || url === '/v1') {
        activeV1++
        deps
          .handleV1(req, res)
          .catch((err: unknown) => {
            logger.error({ err }, 'data path failed')
            if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
            res.end()
          })
          .finally(() => {
            activeV1--
            if (activeV1 === 0) idleWaiters.splice(0).forEach((wake) => wake())
          })
        return
      }
      if (!deps.answerProbe(req, res)) handleOther(req, res)
    },
    idle: (timeoutMs) =>
      activeV1 === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            idleWaiters.push(resolve)
            setTimeout(resolve, timeoutMs).unref()
          }),
  }
}
