import type { IncomingMessage, ServerResponse } from 'node:http'

export interface ProbeRouteDeps {
  version: { version: string; commit: string; builtAt: string }
  /** True once config is loaded, the store answers and the server is not draining. */
  isReady: () => Promise<boolean>
}

/**
 * `/healthz`, `/readyz` and `/version` on the raw request, beside the data path: orchestrators
 * call them every few seconds, and answering them must not load the console's web framework.
 * Returns a handler that answers and returns true, or returns false for any other path.
 */
export function createProbeRoutes(deps: ProbeRouteDeps) {
  const version = JSON.stringify({
    version: deps.version.version,
    commit: deps.version.commit,
    built_at: deps.version.builtAt,
  })
  const send = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    })
    res.end(body)
  }
  return function answerProbe(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    if (path !== '/healthz' && path !== '/readyz' && path !== '/version') return false
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD')
      send(res, 405, JSON.stringify({ error: 'method not allowed' }))
      return true
    }
    if (path === '/healthz') send(res, 200, '{"status":"ok"}')
    else if (path === '/version') send(res, 200, version)
    else {
      deps.isReady().then(
        (ready) =>
          send(res, ready ? 200 : 503, ready ? '{"status":"ready"}' : '{"status":"not ready"}'),
        () => send(res, 503, '{"status":"not ready"}'),
      )
    }
    return true
  }
}
