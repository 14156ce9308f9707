import type { AdminHttp } from './http'
import { request } from './routes'
import type { Me } from './types'

/** Who is logged in: log in and out, and change the own password. */
export function sessionApi(http: AdminHttp) {
  return {
    me: (): Promise<Me> => request(http, 'GET /admin/api/me'),
    login: (username: string, password: string): Promise<Me> =>
      request(http, 'POST /login', { body: { username, password } }),
    logout: async (): Promise<void> => {
      await request(http, 'POST /logout')
    },
    changePassword: async (current: string, next: string): Promise<void> => {
      await request(http, 'POST /admin/api/me/password', { body: { current, new: next } })
    },
  }
}
