import { describe, expect, it } from 'vitest'
import { AdminApiError } from '../api/http'
import { fakeApi } from '../api/fake-api'
import { SessionModel } from './session'

/** A server with one account: `/me` answers 401 until a login with its credentials. */
function oneAccount(valid: { user: string; pass: string }) {
  let loggedIn = false
  const me = { id: '1', name: valid.user, is_admin: true }
  return fakeApi({
    'GET /admin/api/me': () => {
      if (!loggedIn) throw new AdminApiError(401, 'not logged in')
      return me
    },
    'POST /login': (body: unknown) => {
      const { username, password } = body as { username: string; password: string }
      if (username !== valid.user || password !== valid.pass)
        throw new AdminApiError(401, 'invalid credentials')
      loggedIn = true
      return me
    },
    'POST /logout': () => {
      loggedIn = false
      return {}
    },
  }).api
}

describe('session model', () => {
  it('starts logged out when the API says 401', async () => {
    const model = new SessionModel(oneAccount({ user: 'admin', pass: 'x' }))
    await model.refresh()
    expect(model.isLoggedIn.value).toBe(false)
    expect(model.loading.value).toBe(false)
  })

  it('logs in, keeps the error of a failed attempt, and logs out', async () => {
    const model = new SessionModel(oneAccount({ user: 'admin', pass: 'admin123' }))
    await model.login('admin', 'wrong')
    expect(model.error.value).toBe('invalid credentials')
    expect(model.isLoggedIn.value).toBe(false)
    await model.login('admin', 'admin123')
    expect(model.error.value).toBeNull()
    expect(model.me.value?.name).toBe('admin')
    await model.logout()
    expect(model.isLoggedIn.value).toBe(false)
  })
})
