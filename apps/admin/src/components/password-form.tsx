import { useSignal } from '@preact/signals'
import { t } from '../i18n'
import { useServices } from '../services'
import { useAction } from './use-action'
import { ErrorBox } from './ui'

/** Change the own password; the server signs out the other sessions. */
export function PasswordForm() {
  const { api } = useServices()
  const current = useSignal('')
  const next = useSignal('')
  const msg = useSignal<string | null>(null)
  const save = useAction()
  return (
    <form
      class="panel form"
      onSubmit={async (e) => {
        e.preventDefault()
        msg.value = null
        const ok = await save.run(() => api.session.changePassword(current.value, next.value))
        if (!ok) return
        current.value = next.value = ''
        msg.value = t('Password changed. Other sessions were signed out.')
      }}
    >
      <h2>{t('Change password')}</h2>
      <label>
        {t('Current password')}
        <input
          type="password"
          autocomplete="current-password"
          required
          value={current}
          onInput={(e) => (current.value = e.currentTarget.value)}
        />
      </label>
      <label>
        {t('New password (at least 8 characters)')}
        <input
          type="password"
          autocomplete="new-password"
          minLength={8}
          required
          value={next}
          onInput={(e) => (next.value = e.currentTarget.value)}
        />
      </label>
      <ErrorBox error={save.error.value} />
      {msg.value && <p role="status">{msg.value}</p>}
      <div class="form-actions">
        <button type="submit" class="btn primary">
          {t('Change password')}
        </button>
      </div>
    </form>
  )
}
