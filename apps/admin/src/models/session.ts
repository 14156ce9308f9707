import { computed, createModel, signal } from '@preact/signals'
import type { AdminApi } from '../api/client'
import type { Me } from '../api/types'

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

/** Who is logged in, and the actions that change it. */
export const SessionModel = createModel((api: AdminApi) => {
  const me = signal<Me | null>(null, { name: 'session.me' })
  const loading = signal(true, { name: 'session.loading' })
  const error = signal<string | null>(null, { name: 'session.error' })
  const isLoggedIn = computed(() => me.value !== null)
  const isAdmin = computed(() => me.value?.is_admin === true)

  async function refresh(): Promise<void> {
    loading.value = true
    try {
      me.value = await api.session.me()
    } catch {
      me.value = null
    } finally {
      loading.value = false
    }
  }

  async function login(username: string, password: string): Promise<void> {
    error.value = null
    try {
      me.value = await api.session.login(username, password)
    } catch (err) {
      error.value = message(err)
    }
  }

  async function logout(): Promise<void> {
    await api.session.logout().catch(() => {})
    me.value = null
  }

  /** A 401 from any page means the session ended elsewhere (logout, password change, expiry). */
  function expired(): void {
    me.value = null
  }

  return { me, loading, error, isLoggedIn, isAdmin, refresh, login, logout, expired }
})
export type SessionModel = InstanceType<typeof SessionModel>
