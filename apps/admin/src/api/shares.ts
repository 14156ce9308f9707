import type { AdminHttp } from './http'
import { request, type Body } from './routes'
import type { SharedMonitorView, ShareLink } from './types'

/** Read-only monitor links: made and revoked in the console, opened by anyone with the URL. */
export function sharesApi(http: AdminHttp) {
  return {
    list: async (): Promise<ShareLink[]> => (await request(http, 'GET /admin/api/shares')).shares,
    /** @returns the link's URL, shown in this answer only */
    create: (input: Body<'POST /admin/api/shares'>) =>
      request(http, 'POST /admin/api/shares', { body: input }),
    revoke: async (id: string): Promise<void> => {
      await request(http, 'DELETE /admin/api/shares', { query: { id } })
    },
    /** The public view behind a link; needs no session. */
    view: (token: string): Promise<SharedMonitorView> =>
      request(http, 'GET /api/monitor/share/{token}', { params: { token } }),
  }
}
