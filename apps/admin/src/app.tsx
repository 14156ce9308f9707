import type { SessionModel } from './models/session'
import { LoginPage } from './pages/login'

export function App({ session }: { session: SessionModel }) {
  if (session.loading.value) return <p class="muted">Loading…</p>
  const me = session.me.value
  if (!me) return <LoginPage session={session} />
  return (
    <main class="card">
      <h1>qcc console</h1>
      <p data-testid="whoami">
        Signed in as <strong>{me.name}</strong>
        {me.is_admin ? ' (admin)' : ''}
      </p>
      <button onClick={() => void session.logout()}>Log out</button>
    </main>
  )
}
