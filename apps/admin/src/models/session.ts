import { computed, signal } from '@preact/signals'
import type { AdminApi, Me } from '../api/client'

/** Who is logged in, and the actions that change it. */
export function createSessionModel(api: AdminApi) {
  const me = signal<Me | null>(null)
  const loading = signal(true)
  const error = signal<string | null>(null)
  const isLoggedIn = computed(() => me.value !== null)

  async function refresh(): Promise<void> {
    loading.value = true
    try {
      me.value = await api.me()
    } catch {
      me.value = null
    } finally {
      loading.value = false
    }
  }

  async function login(username: string, password: string): Promise<void> {
    error.value = null
    try {
      me.value = await api.login(username, password)
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err)
    }
  }

  async function logout(): Promise<void> {
    await api.logout()
    me.value = null
  }

  return { me, loading, error, isLoggedIn, refresh, login, logout }
}

export type SessionModel = ReturnType<typeof createSessionModel>
