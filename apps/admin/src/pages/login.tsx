import { useSignal } from '@preact/signals'
import type { SessionModel } from '../models/session'

export function LoginPage({ session }: { session: SessionModel }) {
  const username = useSignal('')
  const password = useSignal('')
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault()
        void session.login(username.value, password.value)
      }}
    >
      <h1>qcc</h1>
      <label>
        Username
        <input
          name="username"
          autocomplete="username"
          value={username}
          onInput={(e) => (username.value = e.currentTarget.value)}
        />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e) => (password.value = e.currentTarget.value)}
        />
      </label>
      {session.error.value && (
        <p role="alert" class="error">
          {session.error.value}
        </p>
      )}
      <button type="submit">Log in</button>
    </form>
  )
}
