import { describe, expect, it } from 'vitest'
import { AdminApiError, type AdminApi } from '../api/client'
import { SessionModel } from './session'

function fakeApi(valid: { user: string; pass: string }): AdminApi {
  let loggedIn = false
  return {
    me: async () => {
      if (!loggedIn) throw new AdminApiError(401, 'not logged in')
      return { id: '1', name: valid.user, is_admin: true }
    },
    login: async (u, p) => {
      if (u !== valid.user || p !== valid.pass) throw new AdminApiError(401, 'invalid credentials')
      loggedIn = true
      return { id: '1', name: u, is_admin: true }
    },
    logout: async () => {
      loggedIn = false
    },
    get: async () => {
      throw new AdminApiError(404, 'unused')
    },
    send: async () => {
      throw new AdminApiError(404, 'unused')
    },
  }
}

describe('session model', () => {
  it('starts logged out when the API says 401', async () => {
    const model = new SessionModel(fakeApi({ user: 'admin', pass: 'x' }))
    await model.refresh()
    expect(model.isLoggedIn.value).toBe(false)
    expect(model.loading.value).toBe(false)
  })

  it('logs in, keeps the error of a failed attempt, and logs out', async () => {
    const model = new SessionModel(fakeApi({ user: 'admin', pass: 'admin123' }))
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
