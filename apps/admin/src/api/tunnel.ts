import type { AdminHttp } from './http'
import { request } from './routes'
import type { Tunnel, TunnelPatch } from './types'

/** The Cloudflare tunnel: its state for everyone, configuration and start/stop for admins. */
export function tunnelApi(http: AdminHttp) {
  return {
    get: (): Promise<Tunnel> => request(http, 'GET /admin/api/tunnel'),
    update: (patch: TunnelPatch): Promise<Tunnel> =>
      request(http, 'PUT /admin/api/tunnel', { body: patch }),
    start: (): Promise<Tunnel> => request(http, 'POST /admin/api/tunnel/start'),
    stop: (): Promise<Tunnel> => request(http, 'POST /admin/api/tunnel/stop'),
  }
}
