import { useSignal } from '@preact/signals'
import { PrefsControls } from '../components/prefs-controls'
import { t } from '../i18n'
import { useServices } from '../services'

export function LoginPage() {
  const { session } = useServices()
  const username = useSignal('')
  const password = useSignal('')
  const busy = useSignal(false)
  return (
    <div class="login-wrap">
      <form
        class="card login"
        onSubmit={async (e) => {
          e.preventDefault()
          const credentials = [username.value, password.value] as const
          busy.value = true
          await session.login(...credentials)
          busy.value = false
        }}
      >
        <div class="login-head">
          <h1>qcc</h1>
          <PrefsControls />
        </div>
        <p class="muted">{t('Claude Code gateway console')}</p>
        <label>
          {t('Username')}
          <input
            name="username"
            autocomplete="username"
            required
            value={username}
            onInput={(e) => (username.value = e.currentTarget.value)}
          />
        </label>
        <label>
          {t('Password')}
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => (password.value = e.currentTarget.value)}
          />
        </label>
        {session.error.value && (
          <p role="alert" class="error">
            {session.error.value}
          </p>
        )}
        <button type="submit" class="btn primary" disabled={busy.value}>
          {busy.value ? t('Signing in…') : t('Log in')}
        </button>
        <a class="small" href="/admin/key" data-testid="key-status-link">
          {t('Check the limits of an API key')}
        </a>
      </form>
    </div>
  )
}
